// Checks the multiple-comparison corrections (Holm, Benjamini-Hochberg) and the equivalence statistics (ratio of
// means, Welch CI, Welch t-test, TOST) against statsmodels and scipy, run as an oracle through Debian's
// /usr/bin/python3 (tests/stats/corrections_oracle.py), on fixed-seed data.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "stats/analysis.h"
#include "stats/equivalence.h"
#include "stats/multiple_comparisons.h"
#include "tests/stats/dataset.h"

namespace maestro::stats {
namespace {

using nlohmann::json;
using testing::Random;

// Runs the oracle on `spec`. RETURNS its answer, or a discarded value after a test failure.
json RunOracle(const json& spec) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("maestro_corrections_" + std::to_string(::getpid()) + "_" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json");
  std::ofstream(path) << spec.dump();
  const std::string command =
      "/usr/bin/python3 " + std::string(MAESTRO_SOURCE_DIR) + "/tests/stats/corrections_oracle.py " + path.string();
  FILE* pipe = ::popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr) << command;
  std::string text;
  char buffer[65536];
  for (std::size_t got; pipe && (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, got);
  EXPECT_EQ(pipe ? ::pclose(pipe) : -1, 0) << command;
  std::filesystem::remove(path);
  auto answer = json::parse(text, nullptr, false);
  EXPECT_FALSE(answer.is_discarded()) << text.substr(0, 500);
  return answer;
}

void ExpectClose(double mine, double theirs, double rel, const std::string& what) {
  EXPECT_NEAR(mine, theirs, std::max(1e-14, rel * std::fabs(theirs))) << what;
}

std::vector<double> Lognormal(Random& random, int n, double median, double sigma) {
  std::vector<double> values;
  for (int i = 0; i < n; ++i) values.push_back(median * std::exp(sigma * random.Normal()));
  return values;
}

TEST(CorrectionsOracleTest, HolmAndBenjaminiHochbergMatchMultipletests) {
  Random random(7);
  json families = json::array();
  for (int size : {1, 2, 3, 9, 27, 60}) {
    json family = json::array();
    for (int i = 0; i < size; ++i) {
      const double u = random.Uniform();
      family.push_back(i % 4 == 0 ? u * 1e-3 : u);  // some strong effects among the nulls
    }
    families.push_back(family);
  }
  families.push_back({0.01, 0.01, 0.04, 0.04, 0.5});  // ties keep their order and share adjusted values
  const json oracle = RunOracle({{"families", families}, {"pairs", json::array()}});
  ASSERT_FALSE(oracle.is_discarded());
  for (std::size_t f = 0; f < families.size(); ++f) {
    const auto p = families[f].get<std::vector<double>>();
    const auto holm = HolmAdjust(p), bh = BenjaminiHochbergAdjust(p);
    for (std::size_t i = 0; i < p.size(); ++i) {
      ExpectClose(holm[i], oracle["holm"][f][i], 1e-12, "holm family " + std::to_string(f) + " #" + std::to_string(i));
      ExpectClose(bh[i], oracle["bh"][f][i], 1e-12, "bh family " + std::to_string(f) + " #" + std::to_string(i));
    }
  }
}

TEST(CorrectionsOracleTest, RatioCiWelchAndTostMatchStatsmodels) {
  Random random(11);
  json pairs = json::array();
  struct Case {
    int na, nb;
    double ratio, sigma_a, sigma_b, margin, alpha;
  };
  for (const Case& c : {Case{3, 3, 1.0, 0.02, 0.02, 0.05, 0.05}, Case{3, 4, 1.1, 0.01, 0.05, 0.05, 0.05},
                        Case{5, 5, 0.97, 0.03, 0.01, 0.05, 0.05}, Case{15, 15, 1.02, 0.05, 0.05, 0.05, 0.05},
                        Case{15, 8, 0.8, 0.2, 0.02, 0.1, 0.05}, Case{6, 6, 1.01, 0.004, 0.006, 0.02, 0.01}}) {
    pairs.push_back({{"a", Lognormal(random, c.na, 500 * c.ratio, c.sigma_a)},
                     {"b", Lognormal(random, c.nb, 500, c.sigma_b)},
                     {"margin", c.margin},
                     {"alpha", c.alpha}});
  }
  const json oracle = RunOracle({{"families", json::array()}, {"pairs", pairs}});
  ASSERT_FALSE(oracle.is_discarded());
  int equivalent = 0, different = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto r = CompareRatio(pairs[i]["a"].get<std::vector<double>>(), pairs[i]["b"].get<std::vector<double>>(),
                                pairs[i]["margin"], pairs[i]["alpha"]);
    const auto& o = oracle["pairs"][i];
    const std::string at = "pair " + std::to_string(i) + " ";
    ExpectClose(r.ratio, o["ratio"], 1e-12, at + "ratio");
    ExpectClose(r.ci_low, o["ci_low"], 1e-9, at + "ci_low");
    ExpectClose(r.ci_high, o["ci_high"], 1e-9, at + "ci_high");
    ExpectClose(r.df, o["df"], 1e-9, at + "df");
    ExpectClose(r.p_difference, o["p_difference"], 1e-9, at + "p_difference");
    ExpectClose(r.p_equivalence, o["p_equivalence"], 1e-9, at + "p_equivalence");
    ExpectClose(r.p_lower, o["p_lower"], 1e-9, at + "p_lower");
    ExpectClose(r.p_upper, o["p_upper"], 1e-9, at + "p_upper");
    equivalent += r.p_equivalence < 0.05 ? 1 : 0;
    different += r.p_difference < 0.05 ? 1 : 0;
  }
  // The cases cover both kinds of finding, so a test that could only ever say one thing would fail.
  EXPECT_GT(equivalent, 0);
  EXPECT_GT(different, 0);
}

// Analyze's adjusted p-values are multipletests' over the same families: Holm within the primary outcomes' omnibus
// tests, BH across the secondary and exploratory ones, and Holm over the primary pairwise tests of each kind.
TEST(CorrectionsOracleTest, AnalyzeAdjustsEachFamilyLikeMultipletests) {
  const double base[3][3] = {{820, 800, 840}, {1460, 1390, 1420}, {2900, 2150, 2300}};
  auto csv = testing::MakeCsv(
      {"S1", "S2", "S3"}, {"rest", "grpc", "thrift"},
      {"latency_ms", "throughput_req_s", "cpu_usage_percent", "memory_usage_mb"}, [](int, int) { return 6; },
      [&](int s, int p, int, Random& r) {
        const double latency = base[s][p] * std::exp(0.03 * r.Normal());
        return std::vector<double>{latency, 4000 / latency, 35 + 3 * r.Normal() + p, 410 + 8 * r.Normal()};
      },
      2026);
  auto table = ParseCsv(csv);
  ASSERT_TRUE(table.ok());
  AnalysisOptions options;
  options.primary = {"latency_ms", "throughput_req_s"};
  options.secondary = {"cpu_usage_percent"};
  options.transforms["latency_ms"] = Transform::kLn;
  auto result = Analyze(*table, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();

  std::vector<double> primary, rest, difference, equivalence;
  std::vector<double> primary_adjusted, rest_adjusted, difference_adjusted, equivalence_adjusted;
  for (const auto& m : result->metrics) {
    for (const auto& s : m.per_scenario) {
      (m.tier == OutcomeTier::kPrimary ? primary : rest).push_back(s.trusted_p);
      (m.tier == OutcomeTier::kPrimary ? primary_adjusted : rest_adjusted).push_back(s.p_adjusted);
    }
    for (const auto& c : m.comparisons) {
      difference.push_back(c.ratio.p_difference);
      equivalence.push_back(c.ratio.p_equivalence);
      difference_adjusted.push_back(c.p_difference_adjusted);
      equivalence_adjusted.push_back(c.p_equivalence_adjusted);
    }
  }
  ASSERT_EQ(primary.size(), 6u);
  ASSERT_EQ(rest.size(), 6u);
  ASSERT_EQ(difference.size(), 18u);
  const json oracle = RunOracle({{"families", {primary, rest, difference, equivalence}}, {"pairs", json::array()}});
  ASSERT_FALSE(oracle.is_discarded());
  for (std::size_t i = 0; i < primary.size(); ++i)
    ExpectClose(primary_adjusted[i], oracle["holm"][0][i], 1e-12, "primary");
  for (std::size_t i = 0; i < rest.size(); ++i) ExpectClose(rest_adjusted[i], oracle["bh"][1][i], 1e-12, "rest");
  for (std::size_t i = 0; i < difference.size(); ++i) {
    ExpectClose(difference_adjusted[i], oracle["holm"][2][i], 1e-12, "difference");
    ExpectClose(equivalence_adjusted[i], oracle["holm"][3][i], 1e-12, "equivalence");
  }
}

}  // namespace
}  // namespace maestro::stats
