// Compares every number of stats::Analyze with statsmodels and scipy, run as an oracle through Debian's
// /usr/bin/python3 (tests/stats/oracle.py), on balanced, unbalanced, tied, extreme-variance and thesis-shaped data.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "stats/analysis.h"
#include "stats/distributions.h"
#include "tests/stats/dataset.h"

namespace maestro::stats {
namespace {

using testing::MakeCsv;
using testing::Random;

const std::vector<std::string> kScenarios = {"S1_chat", "S2_quotes", "S3_burst"};
const std::vector<std::string> kProtocols = {"rest", "grpc", "thrift"};

std::string Slurp(FILE* pipe) {
  std::string text;
  char buffer[65536];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, got);
  return text;
}

// Flattens the result with the oracle's key names.
std::map<std::string, double> Flatten(const AnalysisResult& result) {
  std::map<std::string, double> out;
  for (const auto& m : result.metrics) {
    for (const auto& c : m.descriptives) {
      const std::string key = m.metric + "/desc/" + c.scenario + "/" + c.protocol + "/";
      out[key + "n"] = c.n;
      out[key + "mean"] = c.mean;
      out[key + "sd"] = c.sd;
      out[key + "median"] = c.median;
      out[key + "p90"] = c.p90;
      out[key + "min"] = c.min;
      out[key + "max"] = c.max;
      out[key + "ci_low"] = c.ci_low;
      out[key + "ci_high"] = c.ci_high;
    }
    for (const auto& row : m.anova) {
      const std::string key = m.metric + "/anova/" + row.effect + "/";
      out[key + "ss"] = row.ss;
      out[key + "df"] = row.df;
      if (row.effect == "residual") continue;
      out[key + "f"] = row.f;
      out[key + "p"] = row.p;
      out[key + "eta_sq"] = row.eta_sq;
      out[key + "partial_eta_sq"] = row.partial_eta_sq;
      out[key + "omega_sq"] = row.omega_sq;
      out[key + "partial_omega_sq"] = row.partial_omega_sq;
    }
    if (m.anova_shapiro.n > 0) {
      for (const char* source : {"/anova_shapiro/", "/anova_shapiro_scipy/"}) {
        out[m.metric + source + "w"] = m.anova_shapiro.w;
        out[m.metric + source + "p"] = m.anova_shapiro.p;
      }
    }
    out[m.metric + "/anova_levene/w"] = m.anova_levene.w;
    out[m.metric + "/anova_levene/p"] = m.anova_levene.p;
    for (const auto& s : m.per_scenario) {
      const std::string key = m.metric + "/scenario/" + s.scenario + "/";
      out[key + "anova/f"] = s.anova.f;
      out[key + "anova/p"] = s.anova.p;
      out[key + "anova/eta_sq"] = s.anova.eta_sq;
      out[key + "anova/omega_sq"] = s.anova.omega_sq;
      out[key + "welch/f"] = s.welch.f;
      out[key + "welch/df1"] = s.welch.df1;
      out[key + "welch/df2"] = s.welch.df2;
      out[key + "welch/p"] = s.welch.p;
      out[key + "kruskal_wallis/h"] = s.kruskal_wallis.h;
      out[key + "kruskal_wallis/p"] = s.kruskal_wallis.p;
      out[key + "levene/w"] = s.levene.w;
      out[key + "levene/p"] = s.levene.p;
      for (const char* source : {"shapiro/", "shapiro_scipy/"}) {
        out[key + source + "w"] = s.shapiro.w;
        out[key + source + "p"] = s.shapiro.p;
      }
      for (const auto& pair : s.tukey) {
        const std::string pk = key + "tukey/" + pair.a + "-" + pair.b + "/";
        out[pk + "diff"] = pair.diff;
        out[pk + "p"] = pair.p;
        out[pk + "ci_low"] = pair.ci_low;
        out[pk + "ci_high"] = pair.ci_high;
      }
      for (const auto& pair : s.games_howell) {
        const std::string pk = key + "games_howell/" + pair.a + "-" + pair.b + "/";
        out[pk + "diff"] = pair.diff;
        out[pk + "df"] = pair.df;
        out[pk + "q"] = pair.q;
        out[pk + "p"] = pair.p;
      }
    }
  }
  return out;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Tolerance for one key: 1e-6 relative, except where the oracle itself is less precise (see docs/analyze.md).
bool Agrees(const std::string& key, double mine, double theirs, std::string& why) {
  double rel = 1e-6, abs_floor = 1e-13;
  if (key.find("shapiro_scipy/") != std::string::npos) {
    // scipy 1.10 runs AS R94 in single precision.
    rel = EndsWith(key, "/w") ? 3e-6 : 3e-3;
    abs_floor = 1e-9;
  } else if (key.find("/tukey/") != std::string::npos || key.find("/games_howell/") != std::string::npos) {
    // scipy's studentized range is 1 - CDF by nquad with epsabs 1e-11: p-values carry ~1e-11 absolute error.
    if (EndsWith(key, "/p")) abs_floor = 1e-10;
  }
  const double diff = std::fabs(mine - theirs);
  if (diff <= abs_floor || diff <= rel * std::fabs(theirs)) return true;
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, "mine %.17g oracle %.17g (rel %.3g)", mine, theirs,
                diff / std::max(std::fabs(theirs), 1e-300));
  why = buffer;
  return false;
}

class OracleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists("/usr/bin/python3"))
      GTEST_FAIL() << "/usr/bin/python3 is absent (scripts/bootstrap.sh installs it)";
    dir_ = std::filesystem::temp_directory_path() / ("maestro_oracle_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Analyzes `csv` in C++ and with the oracle, and checks every oracle number. RETURNS the C++ result.
  AnalysisResult Check(const std::string& csv, const AnalysisOptions& options, const std::string& metrics) {
    const auto path = dir_ / "results.csv";
    std::ofstream(path) << csv;
    auto table = ParseCsv(csv);
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    auto result = Analyze(*table, options);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok()) return {};
    std::string command = "/usr/bin/python3 " + std::string(MAESTRO_SOURCE_DIR) + "/tests/stats/oracle.py " +
                          path.string() + " --metrics " + metrics + " --typ " +
                          (options.ss_type == SumOfSquaresType::kTypeII ? "2" : "3");
    for (const auto& [metric, transform] : options.transforms) {
      command += " --transform " + metric + "=" + TransformName(transform);
    }
    FILE* pipe = ::popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr);
    std::string text = Slurp(pipe);
    EXPECT_EQ(::pclose(pipe), 0) << command;
    auto oracle = nlohmann::json::parse(text, nullptr, false);
    EXPECT_FALSE(oracle.is_discarded()) << text.substr(0, 500);
    if (oracle.is_discarded()) return *result;

    auto mine = Flatten(*result);
    int compared = 0;
    for (const auto& [key, value] : oracle.items()) {
      auto it = mine.find(key);
      if (it == mine.end()) {
        ADD_FAILURE() << "no value for oracle key " << key;
        continue;
      }
      std::string why;
      EXPECT_TRUE(Agrees(key, it->second, value.get<double>(), why)) << key << ": " << why;
      ++compared;
    }
    EXPECT_GT(compared, 100);
    return *result;
  }

  std::filesystem::path dir_;
};

AnalysisOptions Options(SumOfSquaresType type = SumOfSquaresType::kTypeII) {
  AnalysisOptions options;
  options.ss_type = type;
  return options;
}

TEST_F(OracleTest, BalancedTypeII) {
  const double effect[3][3] = {{0, 1.5, 0.7}, {0, 0.2, 0.1}, {2, 0, 1}};
  auto csv = MakeCsv(
      kScenarios, kProtocols, {"latency_ms", "cpu_usage_percent"}, [](int, int) { return 15; },
      [&](int s, int p, int, Random& r) {
        return std::vector<double>{20 + 3 * s + effect[s][p] + 1.3 * r.Normal(), 30 + 5 * p + 4 * r.Normal()};
      },
      11);
  Check(csv, Options(), "latency_ms,cpu_usage_percent");
}

TEST_F(OracleTest, UnbalancedTypeIIAndTypeIII) {
  auto runs = [](int s, int p) { return 5 + 4 * s + 3 * p + (s * p) % 4; };
  auto make = [](int s, int p, int, Random& r) {
    return std::vector<double>{10 + s + (s == 1 && p == 2 ? 3 : 0) + 0.8 * p + r.Normal() * (1 + 0.3 * p)};
  };
  auto csv = MakeCsv(kScenarios, kProtocols, {"latency_ms"}, runs, make, 23);
  Check(csv, Options(SumOfSquaresType::kTypeII), "latency_ms");
  Check(csv, Options(SumOfSquaresType::kTypeIII), "latency_ms");
}

TEST_F(OracleTest, TiesFromIntegerMeasurements) {
  auto csv = MakeCsv(
      kScenarios, {"rest", "grpc", "thrift", "inproc"}, {"memory_usage_mb"},
      [](int s, int p) { return 12 + (s + p) % 3; },
      [](int s, int p, int, Random& r) { return std::vector<double>{std::round(100 + 2 * p + s + 2 * r.Normal())}; },
      37);
  auto result = Check(csv, Options(), "memory_usage_mb");
  ASSERT_FALSE(result.metrics.empty());
  EXPECT_LT(result.metrics[0].per_scenario[0].kruskal_wallis.tie_correction, 0.99);  // the data really tie
}

TEST_F(OracleTest, ExtremeVarianceRatios) {
  const double sd[3] = {0.05, 1.0, 40.0};
  auto csv = MakeCsv(
      kScenarios, kProtocols, {"latency_ms"}, [](int, int p) { return 8 + 6 * p; },
      [&](int s, int p, int, Random& r) { return std::vector<double>{200 + 4 * s + 3 * p + sd[p] * r.Normal()}; }, 41);
  auto result = Check(csv, Options(SumOfSquaresType::kTypeIII), "latency_ms");
  ASSERT_FALSE(result.metrics.empty());
  // Variances differ 640 000-fold: the analysis must say so and trust Welch / Games-Howell, not the classic tests.
  for (const auto& s : result.metrics[0].per_scenario) {
    EXPECT_EQ(s.equal_variance, Check::kFailed) << s.scenario;
    EXPECT_NE(s.trusted_test, "anova") << s.scenario;
    EXPECT_EQ(s.trusted_posthoc, "games_howell") << s.scenario;
  }
}

// The thesis layout: 3 scenarios x 3 protocols x 15 runs and its four metrics, latency analysed as ln(latency).
std::string ThesisCsv() {
  const double base_latency[3][3] = {{820, 610, 655}, {1460, 1390, 1420}, {2900, 2150, 2300}};
  return MakeCsv(
      kScenarios, kProtocols, {"latency_ms", "cpu_usage_percent", "memory_usage_mb", "throughput_req_s"},
      [](int, int) { return 15; },
      [&](int s, int p, int, Random& r) {
        const double latency = base_latency[s][p] * std::exp(0.12 * r.Normal() + (p == 0 ? 0.1 * r.Normal() : 0));
        return std::vector<double>{latency, 35 + 6 * s - 4 * p + 3 * r.Normal(),
                                   std::round(410 + 25 * p + 8 * r.Normal()), 1000 / latency * (8 + r.Normal() * 0.3)};
      },
      2024);
}

TEST_F(OracleTest, ThesisShapedCsvWithLnLatency) {
  AnalysisOptions options;
  options.transforms["latency_ms"] = Transform::kLn;
  auto result = Check(ThesisCsv(), options, "latency_ms,cpu_usage_percent,memory_usage_mb,throughput_req_s");
  ASSERT_EQ(result.metrics.size(), 4u);
  EXPECT_EQ(result.rows, 135);
  EXPECT_TRUE(result.metrics[3].higher_is_better);  // throughput
  for (const auto& m : result.metrics) {
    for (const auto& s : m.per_scenario) EXPECT_FALSE(s.verdict.empty());
  }
}

TEST(StudentizedRangeTest, MatchesScipyOverAGrid) {
  if (!std::filesystem::exists("/usr/bin/python3"))
    GTEST_FAIL() << "/usr/bin/python3 is absent (scripts/bootstrap.sh installs it)";
  const std::string command =
      "/usr/bin/python3 -c \"import json; from scipy.stats import studentized_range as s; "
      "print(json.dumps([[q, k, d, s.sf(q, k, d), s.ppf(0.95, k, d)] for q in (0.3, 1, 2.5, 4, 6, 9) "
      "for k in (2, 3, 4, 7) for d in (2, 4.5, 12, 45, 300)]))\"";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  auto grid = nlohmann::json::parse(Slurp(pipe));
  ASSERT_EQ(::pclose(pipe), 0);
  ASSERT_EQ(grid.size(), 120u);
  for (const auto& row : grid) {
    const double q = row[0], k = row[1], df = row[2], sf = row[3], q95 = row[4];
    EXPECT_NEAR(StudentizedRangeSurvival(q, k, df), sf, std::max(1e-6 * sf, 1e-10)) << q << " " << k << " " << df;
    EXPECT_NEAR(StudentizedRangeQuantile(0.95, k, df), q95, 1e-6 * q95) << k << " " << df;
  }
}

}  // namespace
}  // namespace maestro::stats
