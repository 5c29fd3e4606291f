// Fast checks of the loader, the error paths and values that can be worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "stats/analysis.h"
#include "stats/distributions.h"
#include "stats/equivalence.h"
#include "stats/multiple_comparisons.h"

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
  auto table = ParseCsv("scenario,protocol,const\nS1,rest,1\nS1,rest,1\nS1,rest,1\nS1,grpc,1\nS1,grpc,1\nS1,grpc,1\n");
  ASSERT_TRUE(table.ok());
  auto result = Analyze(*table);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& s = result->metrics[0].per_scenario[0];
  EXPECT_FALSE(s.protocol_matters);
  EXPECT_TRUE(s.not_testable);
  EXPECT_TRUE(s.trusted_test.empty());
  EXPECT_NE(s.verdict.find("Not testable"), std::string::npos) << s.verdict;
  EXPECT_NE(result->metrics[0].summary.find("could not be tested"), std::string::npos);
}

// memory_peak_mb@llm in the quick preset: every run of each protocol gives the same peak, but the protocols
// differ. That is "not testable", never F = inf and p = 0.
TEST(AnalyzeTest, ZeroVarianceGroupsAreNotTestableNeverInfinite) {
  auto table =
      ParseCsv("scenario,protocol,peak\nS1,rest,10\nS1,rest,10\nS1,rest,10\nS1,grpc,12\nS1,grpc,12\nS1,grpc,12\n");
  ASSERT_TRUE(table.ok());
  auto result = Analyze(*table);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& s = result->metrics[0].per_scenario[0];
  EXPECT_TRUE(s.not_testable);
  EXPECT_FALSE(s.protocol_matters);
  EXPECT_EQ(s.verdict.find("inf"), std::string::npos) << s.verdict;
  EXPECT_NE(s.verdict.find("same value in every run"), std::string::npos) << s.verdict;
  EXPECT_TRUE(std::isnan(OneWayAnova({{"a", {10, 10, 10}}, {"b", {12, 12, 12}}}).f));
}

TEST(AnalyzeTest, BelowThreeRunsACellGivesDescriptivesOnlyAndSaysWhy) {
  auto table = ParseCsv("scenario,protocol,latency_ms\nS1,rest,10\nS1,rest,11\nS1,grpc,20\nS1,grpc,21\n");
  ASSERT_TRUE(table.ok());
  AnalysisOptions options;
  options.primary = {"latency_ms"};
  auto result = Analyze(*table, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& m = result->metrics[0];
  EXPECT_EQ(m.descriptives[0].n, 2);
  EXPECT_TRUE(m.per_scenario[0].descriptives_only);
  EXPECT_FALSE(m.anova_ok);
  EXPECT_NE(m.anova_error.find("descriptives only"), std::string::npos) << m.anova_error;
  EXPECT_NE(m.per_scenario[0].verdict.find("at least 3 runs"), std::string::npos) << m.per_scenario[0].verdict;
  ASSERT_EQ(m.comparisons.size(), 1u);
  EXPECT_EQ(m.comparisons[0].outcome, "descriptives_only");
  ASSERT_EQ(result->stories.size(), 1u);
  EXPECT_NE(result->stories[0].sentence.find("descriptives only"), std::string::npos) << result->stories[0].sentence;
}

TEST(MultipleComparisonsTest, HandWorkedHolmAndBenjaminiHochberg) {
  // Sorted 0.01, 0.03, 0.04, 0.2. Holm: 4*0.01, max(., 3*0.03), max(., 2*0.04), 0.2. BH: min over the tail of
  // m/rank * p: 0.04, 0.04*4/3, 0.04*4/3, 0.2.
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.2};
  const auto holm = HolmAdjust(p), bh = BenjaminiHochbergAdjust(p);
  const std::vector<double> holm_expected = {0.04, 0.09, 0.09, 0.2}, bh_expected = {0.04, 0.16 / 3, 0.16 / 3, 0.2};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(holm[i], holm_expected[i], 1e-15) << i;
    EXPECT_NEAR(bh[i], bh_expected[i], 1e-15) << i;
  }
  // Untested (NaN) entries stay NaN and do not enlarge the family.
  const auto with_nan = HolmAdjust({0.01, std::nan(""), 0.04});
  EXPECT_NEAR(with_nan[0], 0.02, 1e-15);
  EXPECT_TRUE(std::isnan(with_nan[1]));
  EXPECT_NEAR(with_nan[2], 0.04, 1e-15);
  EXPECT_EQ(HolmAdjust({0.6, 0.7})[1], 1.0);  // capped at 1
}

// A 3 x 1 design whose three protocols are equivalent, 10% apart, or too noisy to tell.
Table ThreeWays(double grpc_ratio, double thrift_sigma) {
  std::string csv = "scenario,protocol,latency_ms\n";
  const double wiggle[] = {-1, 0, 1, 0.5, -0.5};
  for (int r = 0; r < 5; ++r) {
    csv += "S1,rest," + std::to_string(100 * (1 + 0.002 * wiggle[r])) + "\n";
    csv += "S1,grpc," + std::to_string(100 * grpc_ratio * (1 + 0.002 * wiggle[(r + 2) % 5])) + "\n";
    csv += "S1,thrift," + std::to_string(100 * std::exp(thrift_sigma * wiggle[(r + 1) % 5])) + "\n";
  }
  return ParseCsv(csv).value();
}

TEST(EquivalenceTest, VerdictsSpeakInRatiosAndRunCounts) {
  AnalysisOptions options;
  options.primary = {"latency_ms"};
  auto result = Analyze(ThreeWays(1.10, 0.2), options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& pairs = result->metrics[0].comparisons;
  ASSERT_EQ(pairs.size(), 3u);  // rest/grpc, rest/thrift, grpc/thrift
  EXPECT_EQ(pairs[0].outcome, "different");
  EXPECT_NE(pairs[0].verdict.find("grpc is 9"), std::string::npos) << pairs[0].verdict;
  EXPECT_NE(pairs[0].verdict.find("% slower than rest"), std::string::npos) << pairs[0].verdict;
  EXPECT_EQ(pairs[1].outcome, "inconclusive");
  EXPECT_GT(pairs[1].runs_needed, 5);
  EXPECT_NE(pairs[1].verdict.find(std::to_string(pairs[1].runs_needed) + " runs per cell would be needed"),
            std::string::npos)
      << pairs[1].verdict;

  auto same = Analyze(ThreeWays(1.0, 0.002), options);
  ASSERT_TRUE(same.ok());
  for (const auto& pair : same->metrics[0].comparisons) EXPECT_EQ(pair.outcome, "equivalent") << pair.verdict;
  ASSERT_EQ(same->stories.size(), 1u);
  EXPECT_NE(same->stories[0].sentence.find("equivalent within 5%"), std::string::npos) << same->stories[0].sentence;
  // The margin is a setting: at 0.1% the same data are no longer equivalent.
  options.equivalence_margin = 0.001;
  auto strict = Analyze(ThreeWays(1.0, 0.002), options);
  ASSERT_TRUE(strict.ok());
  EXPECT_NE(strict->metrics[0].comparisons[0].outcome, "equivalent");
}

TEST(EquivalenceTest, RunsNeededGrowsWithNoiseAndShrinksWithRoom) {
  const int quiet = RunsNeeded(0, 0.02, 0.05, 0.05), noisy = RunsNeeded(0, 0.08, 0.05, 0.05);
  EXPECT_LT(quiet, noisy);
  EXPECT_LT(RunsNeeded(0, 0.05, 0.10, 0.05), RunsNeeded(0, 0.05, 0.05, 0.05));
  // The count is the first n at which (t_0.95 + t_0.8 on 2n - 2 df) * sd * sqrt(2 / n) fits within ln(1.05).
  auto fits = [](double n) {
    return (StudentTQuantile(0.95, 2 * n - 2) + StudentTQuantile(0.8, 2 * n - 2)) * 0.05 * std::sqrt(2 / n) <=
           std::log1p(0.05);
  };
  const int n = RunsNeeded(0, 0.05, 0.05, 0.05);
  EXPECT_TRUE(fits(n));
  EXPECT_FALSE(fits(n - 1));
  // A 10% difference with a small SD is quickly shown as a difference.
  EXPECT_LE(RunsNeeded(std::log(1.1), 0.01, 0.05, 0.05), 3);
  EXPECT_EQ(RunsNeeded(std::nan(""), 0.05, 0.05, 0.05), -1);
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
