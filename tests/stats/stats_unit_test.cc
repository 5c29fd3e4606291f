// Fast checks of the loader, the error paths and values that can be worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "stats/analysis.h"
#include "stats/distributions.h"

namespace maestro::stats {
namespace {

TEST(CsvTest, ReadsQuotesCrlfBomAndSetsTextColumnsAside) {
  auto table = ParseCsv(
      "\xEF\xBB\xBFscenario,protocol,run,note,latency_ms\r\n"
      "\"S1, chat\",rest,1,\"said \"\"hi\"\"\",12.5\r\n"
      "S2,grpc,2,ok,\r\n");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->row_count, 2u);
  EXPECT_EQ(table->factor_values[table->FindFactor("scenario")][0], "S1, chat");
  EXPECT_EQ(table->ignored_columns, std::vector<std::string>{"note"});
  const auto& latency = table->metric_values[table->FindMetric("latency_ms")];
  EXPECT_DOUBLE_EQ(latency[0], 12.5);
  EXPECT_TRUE(std::isnan(latency[1]));
}

TEST(CsvTest, RejectsMalformedInputWithTypedErrors) {
  EXPECT_EQ(ParseCsv("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCsv("scenario,protocol\n").status().code(), StatusCode::kInvalidArgument);
  auto ragged = ParseCsv("scenario,protocol,x\nS1,rest,1\nS1,rest\n");
  EXPECT_EQ(ragged.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ragged.status().message().find("line 3"), std::string::npos);
  EXPECT_EQ(ParseCsv("a,b\n\"open,1\n").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCsv("a,a\n1,2\n").status().code(), StatusCode::kInvalidArgument);
  CsvOptions small;
  small.max_rows = 1;
  EXPECT_EQ(ParseCsv("a,b\n1,2\n3,4\n", small).status().code(), StatusCode::kPayloadTooLarge);
  EXPECT_EQ(LoadCsv("/nonexistent/results.csv").status().code(), StatusCode::kNotFound);
}

TEST(AnalyzeTest, RejectsMissingFactorsAndImpossibleTransforms) {
  auto table = ParseCsv("scenario,protocol,latency_ms\nS1,rest,1\nS1,grpc,0\nS1,rest,2\nS1,grpc,3\n");
  ASSERT_TRUE(table.ok());
  AnalysisOptions options;
  options.protocol_column = "transport";
  EXPECT_EQ(Analyze(*table, options).status().code(), StatusCode::kInvalidArgument);
  options = {};
  options.transforms["latency_ms"] = Transform::kLn;
  auto result = Analyze(*table, options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("needs values > 0"), std::string::npos);
  options.transforms = {{"nope", Transform::kLn}};
  EXPECT_FALSE(Analyze(*table, options).ok());
}

TEST(OneWayTest, HandWorkedAnova) {
  // Groups {1,2,3}, {4,5,6}, {7,8,9}: SSB = 54, SSW = 6, F(2, 6) = 27, and for F(2, d) P = (1 + 2F/d)^(-d/2) = 0.001.
  auto result = OneWayAnova({{"a", {1, 2, 3}}, {"b", {4, 5, 6}}, {"c", {7, 8, 9}}});
  EXPECT_DOUBLE_EQ(result.ss_between, 54);
  EXPECT_DOUBLE_EQ(result.ss_within, 6);
  EXPECT_DOUBLE_EQ(result.f, 27);
  EXPECT_NEAR(result.p, 0.001, 1e-15);
  EXPECT_NEAR(result.eta_sq, 0.9, 1e-15);
}

TEST(FormatTest, PValuesAreNeverRoundedIntoAFalseBound) {
  EXPECT_EQ(FormatP(0.00125), "0.00125");
  EXPECT_EQ(FormatP(0.0412), "0.0412");
  EXPECT_EQ(FormatP(3.2e-7), "3.20e-07");
  EXPECT_STREQ(EffectSizeWord(0.2), "large");
  EXPECT_STREQ(EffectSizeWord(0.005), "negligible");
}

TEST(ShapiroWilkTest, ThreePointsFollowTheExactFormula) {
  // For n = 3, W = 1 for equally spaced points and p = 6/pi (asin(sqrt(W)) - pi/3).
  auto equal = ShapiroWilk(std::vector<double>{1, 2, 3});
  ASSERT_TRUE(equal.ok());
  EXPECT_NEAR(equal->w, 1.0, 1e-12);
  auto skewed = ShapiroWilk(std::vector<double>{0, 0.1, 5});
  ASSERT_TRUE(skewed.ok());
  EXPECT_NEAR(skewed->p, 6 / M_PI * (std::asin(std::sqrt(skewed->w)) - M_PI / 3), 1e-12);
  EXPECT_FALSE(ShapiroWilk(std::vector<double>{1, 1, 1}).ok());
  EXPECT_FALSE(ShapiroWilk(std::vector<double>{1, 2}).ok());
}

TEST(AnalyzeTest, EmptyCellSkipsTheTwoWayAnovaButKeepsPerScenarioTests) {
  std::string csv = "scenario,protocol,latency_ms\n";
  for (int r = 0; r < 6; ++r) {
    csv += "S1,rest," + std::to_string(10 + r) + "\nS1,grpc," + std::to_string(20 + r * 2) + "\n";
    csv += "S2,rest," + std::to_string(11 + r) + "\n";  // S2 has no grpc rows
  }
  auto table = ParseCsv(csv);
  ASSERT_TRUE(table.ok());
  auto result = Analyze(*table);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& m = result->metrics[0];
  EXPECT_FALSE(m.anova_ok);
  EXPECT_NE(m.anova_error.find("cell"), std::string::npos);
  EXPECT_TRUE(m.per_scenario[0].protocol_matters);
  EXPECT_EQ(m.per_scenario[0].best_protocol, "rest");
  EXPECT_NE(m.per_scenario[1].verdict.find("nothing to compare"), std::string::npos);
}

TEST(StudentizedRangeTest, LimitsAndDomain) {
  EXPECT_EQ(StudentizedRangeSurvival(0, 3, 10), 1.0);
  EXPECT_TRUE(std::isnan(StudentizedRangeSurvival(1, 1, 10)));
  // k = 2: Q / sqrt(2) is |T| with df degrees of freedom.
  EXPECT_NEAR(StudentizedRangeSurvival(3 * std::sqrt(2.0), 2, 1e300), 2 * NormalSurvival(3), 1e-12);
}

}  // namespace
}  // namespace maestro::stats

namespace maestro::stats {
namespace {

TEST(AnalyzeTest, ConstantMetricIsReportedAsUntestableNotAsNoEffect) {
  auto table = ParseCsv("scenario,protocol,const\nS1,rest,1\nS1,rest,1\nS1,grpc,1\nS1,grpc,1\n");
  ASSERT_TRUE(table.ok());
  auto result = Analyze(*table);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& s = result->metrics[0].per_scenario[0];
  EXPECT_FALSE(s.protocol_matters);
  EXPECT_TRUE(s.trusted_test.empty());
  EXPECT_NE(s.verdict.find("Cannot test"), std::string::npos) << s.verdict;
  EXPECT_NE(result->metrics[0].summary.find("could not be tested"), std::string::npos);
}

}  // namespace
}  // namespace maestro::stats

namespace maestro::stats {
namespace {

// Random small tables with missing, huge, tied, negative and non-numeric cells: every call must return a result
// or a typed error, never crash (this loop also ran clean under ASan/UBSan).
TEST(AnalyzeTest, RandomTablesNeverCrash) {
  std::uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<unsigned>(state >> 33);
  };
  const char* values[] = {"1", "2.5", "-3", "0", "nan", "", "1e308", "-1e308", "7", "7", "7", "1e-300", "x"};
  int analyzed = 0;
  for (int i = 0; i < 400; ++i) {
    std::string csv = "scenario,protocol,v,w\n";
    const unsigned rows = next() % 60, scenarios = 1 + next() % 3, protocols = 1 + next() % 4;
    for (unsigned r = 0; r < rows; ++r) {
      csv += "S" + std::to_string(next() % scenarios) + ",P" + std::to_string(next() % protocols) + "," +
             values[next() % 13] + "," + std::to_string(next() % 5) + "\n";
    }
    auto table = ParseCsv(csv);
    if (!table.ok()) {
      EXPECT_EQ(table.status().code(), StatusCode::kInvalidArgument);
      continue;
    }
    AnalysisOptions options;
    if (next() % 2 && table->FindMetric("v") >= 0) options.transforms["v"] = Transform::kLn;
    options.ss_type = next() % 2 ? SumOfSquaresType::kTypeII : SumOfSquaresType::kTypeIII;
    auto result = Analyze(*table, options);
    if (result.ok()) {
      ++analyzed;
      for (const auto& m : result->metrics) EXPECT_FALSE(m.summary.empty());
    } else {
      EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    }
  }
  EXPECT_GT(analyzed, 100);
}

}  // namespace
}  // namespace maestro::stats
