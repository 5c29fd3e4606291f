#include "bench/runner/bench_report.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bench/runner/outcomes.h"
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

std::vector<std::string> RepeatabilityWarnings(const stats::AnalysisResult& analysis, double limit_pct) {
  std::vector<std::string> warnings;
  for (const auto& m : analysis.metrics) {
    if (m.tier != stats::OutcomeTier::kPrimary) continue;
    int over = 0, cells = 0;
    const stats::CellSummary* worst = nullptr;
    for (const auto& c : m.descriptives) {
      if (std::isnan(c.cv_pct)) continue;
      ++cells;
      if (!(c.cv_pct > limit_pct)) continue;
      ++over;
      if (worst == nullptr || c.cv_pct > worst->cv_pct) worst = &c;
    }
    if (worst != nullptr) {
      warnings.push_back(fmt::format("{}: run-to-run CV above {:g}% in {} of {} cells (worst {:.1f}%, {} {})", m.metric,
                                     limit_pct, over, cells, worst->cv_pct, worst->scenario, worst->protocol));
    }
  }
  return warnings;
}

Result<BenchReport> WriteReport(const std::string& dir) {
  auto table = stats::LoadCsv(dir + "/all_results.csv");
  if (!table.ok()) return table.status();
  report::ReportInput input;
  input.manifest_json = ReadAll(dir + "/manifest.json");
  const auto manifest = nlohmann::json::parse(input.manifest_json, nullptr, false);
  stats::AnalysisOptions options;
  const bool declared = manifest.is_object() && manifest.contains("outcomes");
  auto applied = ApplyDeclaredOutcomes(declared ? manifest["outcomes"] : DeclaredOutcomes(0.05, 0.05), *table, options);
  if (!applied.ok()) return applied;
  auto analysis = stats::Analyze(*table, options);
  if (!analysis.ok()) return analysis.status();

  input.analysis = &*analysis;
  input.table = &*table;
  input.source = "all_results.csv";
  auto histograms = report::LoadHistograms(dir + "/histograms.csv");
  if (histograms.ok()) input.histograms = std::move(histograms).value();

  BenchReport result;
  result.html_path = dir + "/report.html";
  std::ofstream html(result.html_path, std::ios::trunc);
  html << report::Render(report::Format::kHtml, input);
  std::ofstream json(dir + "/report.json", std::ios::trunc);
  json << report::Render(report::Format::kJson, input);
  if (!html || !json) return Unavailable("cannot write the report in " + dir);
  for (const auto& story : analysis->stories) result.stories.push_back(story.sentence);
  result.warnings = RepeatabilityWarnings(*analysis);
  return result;
}

}  // namespace maestro::bench
