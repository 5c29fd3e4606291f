// The outcome declaration the manifest carries, the quick preset's design, and the end-of-run warnings.
#include "bench/runner/outcomes.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "bench/runner/bench_config.h"
#include "bench/runner/bench_report.h"
#include "bench/runner/experiment_summary.h"
#include "bench/runner/matrix_runner.h"
#include "bench/runner/run_plan.h"

namespace maestro::bench {
namespace {

bool Has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// A results table with the bench's columns and three runs per cell.
stats::Table BenchTable(double grpc_spread) {
  std::string csv;
  for (std::size_t i = 0; i < CsvColumns().size(); ++i) csv += (i ? "," : "") + CsvColumns()[i];
  csv += "\n";
  for (int run = 1; run <= 3; ++run) {
    for (const char* protocol : {"rest", "grpc"}) {
      const double wobble = std::string(protocol) == "grpc" ? grpc_spread * (run - 2) : 0.001 * (run - 2);
      csv += std::string("simple,") + protocol + "," + std::to_string(run);
      for (std::size_t c = 3; c < CsvColumns().size(); ++c) {
        csv += ',';  // not "," + string: g++ 12's -Wrestrict false positive (GCC bug 105651)
        csv += std::to_string(100 * (1 + wobble) + static_cast<double>(c));
      }
      csv += "\n";
    }
  }
  return stats::ParseCsv(csv).value();
}

TEST(OutcomesTest, ManifestDeclarationDrivesTheAnalysis) {
  const stats::Table table = BenchTable(0.002);
  stats::AnalysisOptions options;
  const Status applied = ApplyDeclaredOutcomes(DeclaredOutcomes(0.1, 0.05), table, options);
  ASSERT_TRUE(applied.ok()) << applied.ToString();
  EXPECT_EQ(options.primary, (std::vector<std::string>{"latency_ms", "p50_ms", "throughput_req_s"}));
  EXPECT_EQ(options.secondary, (std::vector<std::string>{"cpu_usage_percent", "memory_usage_mb"}));
  EXPECT_EQ(options.equivalence_margin, 0.1);
  EXPECT_EQ(options.transforms.at("latency_ms"), stats::Transform::kLn);
  EXPECT_EQ(options.transforms.at("p50_ms"), stats::Transform::kLn);
  EXPECT_TRUE(Has(options.metrics, "memory_peak_mb@llm"));
  EXPECT_TRUE(Has(options.metrics, "p99_ms"));
  EXPECT_FALSE(Has(options.metrics, "cpu_usage_percent@loadgen"));  // the generator is not under test
  EXPECT_FALSE(Has(options.metrics, "requests"));
  auto analysis = stats::Analyze(table, options);
  ASSERT_TRUE(analysis.ok()) << analysis.status().ToString();
  EXPECT_EQ(analysis->metrics[0].tier, stats::OutcomeTier::kPrimary);
  EXPECT_EQ(analysis->stories.size(), 1u);
  EXPECT_TRUE(RepeatabilityWarnings(*analysis).empty());

  stats::AnalysisOptions broken;
  EXPECT_FALSE(ApplyDeclaredOutcomes(nlohmann::json{{"primary", "latency_ms"}}, table, broken).ok());
  EXPECT_FALSE(ApplyDeclaredOutcomes(nlohmann::json::array(), table, broken).ok());
}

TEST(OutcomesTest, SpreadAboveFivePercentOnAPrimaryOutcomeIsReported) {
  const stats::Table table = BenchTable(0.08);
  stats::AnalysisOptions options;
  ASSERT_TRUE(ApplyDeclaredOutcomes(DeclaredOutcomes(0.05, 0.05), table, options).ok());
  auto analysis = stats::Analyze(table, options);
  ASSERT_TRUE(analysis.ok());
  const auto warnings = RepeatabilityWarnings(*analysis);
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings[0].find("latency_ms: run-to-run CV above 5% in 1 of 2 cells"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("simple grpc)"), std::string::npos) << warnings[0];
}

TEST(OutcomesTest, QuickPresetTestsEveryCellAndTheManifestDeclaresOutcomes) {
  BenchConfig config;
  ASSERT_TRUE(ApplyPreset("quick", config).ok());
  EXPECT_GE(config.runs, 3);
  EXPECT_EQ(config.runs, QuickPreset::kRuns);
  EXPECT_EQ(config.duration, QuickPreset::kDuration);
  const auto manifest = MakeManifest(config, MakeRunPlan(config));
  EXPECT_EQ(manifest["outcomes"]["primary"][0], "latency_ms");
  EXPECT_EQ(manifest["outcomes"]["equivalence_margin"], 0.05);
  config.equivalence_margin = 0;
  EXPECT_FALSE(ValidateBenchConfig(config).ok());
}

TEST(OutcomesTest, BusyMachineAndBusyGeneratorAreWarnedAbout) {
  auto record = [](double other, double loadgen, bool saturated) {
    RunRecord r;
    r.other_cpu_percent = other;
    r.load_average_1m = 3.5;
    ProcessResources generator;
    generator.name = "loadgen";
    generator.cpu_percent_mean = loadgen;
    r.resources = {generator};
    r.load.generator_bottleneck = saturated;
    return r;
  };
  EXPECT_TRUE(MachineWarnings({record(10, 5, false), record(20, 10, false)}, 2).empty());
  // 2 cores: other processes above 40% of a core, the generator above 50% of a core.
  const auto warnings = MachineWarnings({record(90, 5, false), record(10, 80, false), record(10, 5, true)}, 2);
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_NE(warnings[0].find("machine busy: in 1 of 3 runs"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("up to 90%"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[1].find("load generator heavy"), std::string::npos) << warnings[1];
  EXPECT_NE(warnings[2].find("saturated in 1 of 3 runs"), std::string::npos) << warnings[2];
}

// A run so slow that no request ended in its window reads "0 req/s, 0% errors": the warning says why.
TEST(OutcomesTest, RunsThatLeftRequestsUnfinishedAreWarnedAbout) {
  RunRecord quick, stuck;
  stuck.load.unfinished = 4;
  EXPECT_TRUE(MachineWarnings({quick}, 2).empty());
  const auto warnings = MachineWarnings({quick, stuck}, 2);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("unfinished requests in 1 of 2 runs (up to 4 in one run)"), std::string::npos)
      << warnings[0];
}

}  // namespace
}  // namespace maestro::bench
