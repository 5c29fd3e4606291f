// The text, Markdown, JSON and CSV writers and the CLI's error handling.
#include "report/report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/stats/dataset.h"
#include "tests/support/test_support.h"

namespace maestro::report {
namespace {

stats::Table Thesis() {
  auto csv = stats::testing::MakeCsv(
      {"S1", "S2", "S3"}, {"rest", "grpc", "thrift"}, {"latency_ms", "throughput_req_s"}, [](int, int) { return 15; },
      [](int s, int p, int, stats::testing::Random& r) {
        const double latency = (500 + 200 * s + (p == 0 ? 150 : 0)) * std::exp(0.1 * r.Normal());
        return std::vector<double>{latency, 4000 / latency};
      },
      5);
  return stats::ParseCsv(csv).value();
}

TEST(ReportTest, JsonFollowsTheDocumentedSchema) {
  const stats::Table table = Thesis();
  stats::AnalysisOptions options;
  options.transforms["latency_ms"] = stats::Transform::kLn;
  auto analysis = stats::Analyze(table, options);
  ASSERT_TRUE(analysis.ok());
  ReportInput input{&*analysis, &table, "thesis.csv", "", {}};
  auto doc = nlohmann::json::parse(RenderJson(input));
  EXPECT_EQ(doc["schema"], "maestro.analyze/1");
  const auto& latency = doc["metrics"]["latency_ms"];
  EXPECT_EQ(latency["transform"], "ln");
  ASSERT_EQ(latency["anova"].size(), 4u);
  const char* effects[] = {"scenario", "protocol", "scenario:protocol", "residual"};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(latency["anova"][i]["effect"], effects[i]);
  for (const char* key : {"ss", "df", "f", "p", "eta_sq", "partial_eta_sq", "omega_sq"}) {
    EXPECT_TRUE(latency["anova"][1][key].is_number()) << key;
  }
  EXPECT_FALSE(latency["anova"][3].contains("f"));
  EXPECT_EQ(latency["descriptives"].size(), 9u);
  const auto& s1 = latency["per_scenario"]["S1"];
  for (const char* test : {"anova", "welch", "kruskal_wallis", "levene"})
    EXPECT_TRUE(s1[test]["p"].is_number()) << test;
  EXPECT_EQ(s1["tukey"].size(), 3u);
  EXPECT_EQ(s1["games_howell"].size(), 3u);
  EXPECT_TRUE(s1["verdict"].is_string());
  EXPECT_TRUE(s1["protocol_matters"].get<bool>());
  EXPECT_TRUE(doc["metrics"]["throughput_req_s"]["higher_is_better"].get<bool>());
  EXPECT_NE(latency["summary"].get<std::string>().find("Protocol matters for latency_ms"), std::string::npos);
}

TEST(ReportTest, TextMarkdownAndCsvCarryTheNumbers) {
  const stats::Table table = Thesis();
  auto analysis = stats::Analyze(table);
  ASSERT_TRUE(analysis.ok());
  ReportInput input{&*analysis, &table, "thesis.csv", "", {}};
  const std::string text = RenderText(input), md = RenderMarkdown(input), csv = RenderCsv(input);
  EXPECT_NE(text.find("Two-way ANOVA"), std::string::npos);
  EXPECT_NE(md.find("| effect | SS |"), std::string::npos);
  EXPECT_NE(md.find(stats::FormatP(analysis->metrics[0].anova[0].p)), std::string::npos);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "metric,section,scenario,item,statistic,value");
  EXPECT_NE(csv.find("latency_ms,anova,,scenario:protocol,p,"), std::string::npos);
}

TEST(ReportTest, FormatsAndHistograms) {
  EXPECT_FALSE(ParseFormat("pdf").ok());
  EXPECT_EQ(ParseFormat("md").value(), Format::kMarkdown);
  const auto path = std::filesystem::temp_directory_path() / ("maestro_hist_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path) << "scenario,protocol,le,count\nS1,rest,10,3\nS1,rest,+Inf,5\n";
  auto buckets = LoadHistograms(path.string());
  ASSERT_TRUE(buckets.ok()) << buckets.status().ToString();
  ASSERT_EQ(buckets->size(), 2u);
  EXPECT_TRUE(std::isinf((*buckets)[1].upper_bound));
  std::ofstream(path) << "scenario,protocol,le,count\nS1,rest,ten,3\n";
  EXPECT_FALSE(LoadHistograms(path.string()).ok());
  std::filesystem::remove(path);
}

TEST(AnalyzeCommandTest, BadInputGivesExitCode2AndAMessage) {
  const std::string b = testing::MaestroBinary();
  ASSERT_TRUE(std::filesystem::exists(b)) << b << " is not built";
  auto run = [](const std::string& command) {
    int status = std::system((command + " >/dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(run(b + " analyze /nonexistent.csv"), 2);
  const auto path = std::filesystem::temp_directory_path() / ("maestro_cli_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path) << "scenario,protocol,latency_ms\nS1,rest,1\nS1,grpc,2\nS1,rest,3\nS1,grpc,5\n";
  EXPECT_EQ(run(b + " analyze " + path.string() + " --format pdf"), 2);
  EXPECT_EQ(run(b + " analyze " + path.string() + " --transform latency_ms=sqrt"), 2);
  EXPECT_EQ(run(b + " analyze " + path.string() + " --format json"), 0);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace maestro::report
