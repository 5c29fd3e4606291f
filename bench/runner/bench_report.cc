#include "bench/runner/bench_report.h"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

#include "report/report.h"
#include "stats/analysis.h"
#include "stats/table.h"

namespace maestro::bench {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Status WriteMergedHistograms(const std::string& dir, const std::vector<RunRecord>& records) {
  std::map<std::pair<std::string, std::string>, LatencyHistogram> cells;
  for (const auto& record : records) cells[{record.run.scenario, record.run.protocol}].Merge(record.load.latency);
  std::ofstream out(dir + "/histograms.csv", std::ios::trunc);
  out << "scenario,protocol,le,count\n";
  for (const auto& [key, histogram] : cells) {
    if (histogram.count() == 0) continue;
    const double total = static_cast<double>(histogram.count());
    // One point per percent, plus the tail, is a smooth CDF at any run length.
    std::vector<double> percentiles;
    for (int p = 1; p <= 99; ++p) percentiles.push_back(p);
    for (double p : {99.5, 99.9, 100.0}) percentiles.push_back(p);
    for (double p : percentiles) {
      out << key.first << "," << key.second << ","
          << fmt::format("{:.4f},{:.0f}\n", histogram.ValueAtPercentile(p) / 1e6, total * p / 100);
    }
  }
  return out ? Status::Ok() : Unavailable("cannot write " + dir + "/histograms.csv");
}

Result<std::string> WriteReport(const std::string& dir) {
  auto table = stats::LoadCsv(dir + "/all_results.csv");
  if (!table.ok()) return table.status();
  stats::AnalysisOptions options;
  for (const auto& metric :
       {"latency_ms", "cpu_usage_percent", "memory_usage_mb", "throughput_req_s", "p90_ms", "p99_ms", "error_rate"}) {
    options.metrics.push_back(metric);
  }
  for (const auto& name : table->metric_names) {
    if (name.find('@') != std::string::npos) options.metrics.push_back(name);
  }
  options.transforms["latency_ms"] = stats::Transform::kLn;
  auto analysis = stats::Analyze(*table, options);
  if (!analysis.ok()) return analysis.status();

  report::ReportInput input;
  input.analysis = &*analysis;
  input.table = &*table;
  input.source = "all_results.csv";
  input.manifest_json = ReadAll(dir + "/manifest.json");
  auto histograms = report::LoadHistograms(dir + "/histograms.csv");
  if (histograms.ok()) input.histograms = std::move(histograms).value();

  const std::string html_path = dir + "/report.html";
  std::ofstream html(html_path, std::ios::trunc);
  html << report::Render(report::Format::kHtml, input);
  std::ofstream json(dir + "/report.json", std::ios::trunc);
  json << report::Render(report::Format::kJson, input);
  if (!html || !json) return Unavailable("cannot write the report in " + dir);
  return html_path;
}

}  // namespace maestro::bench
