// `maestro analyze`: statistics and a report from a results CSV (issue #4). The work is in stats/ and report/.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "apps/maestro/command_registry.h"
#include "bench/runner/outcomes.h"
#include "report/report.h"
#include "stats/analysis.h"

namespace maestro::cli {
namespace {

struct AnalyzeArgs {
  std::string csv;
  std::string format = "text";
  std::string out;
  std::vector<std::string> transforms;
  std::string ss_type = "2";
  double alpha = 0.05;
  std::vector<std::string> metrics;
  std::string scenario_column = "scenario";
  std::string protocol_column = "protocol";
  std::vector<std::string> extra_factors = {"run"};
  std::vector<std::string> higher_is_better;
  std::string manifest;
  std::string histograms;
  std::vector<std::string> primary, secondary;
  double equivalence_margin = 0;  // 0: the manifest's, else 0.05
};

int Fail(const Status& status) {
  std::cerr << "maestro analyze: " << status.message() << "\n";
  return 2;
}

// Reads `path` when it exists. RETURNS its text, or empty when absent.
std::string ReadIfPresent(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The outcomes: --primary/--secondary when given, else the declaration in the manifest (bench writes one),
// else none (every metric exploratory). Explicit --transform and --equivalence-margin win over the manifest.
Status ApplyOutcomes(const AnalyzeArgs& args, const std::string& manifest_text, const stats::Table& table,
                     stats::AnalysisOptions& options) {
  if (!args.primary.empty() || !args.secondary.empty()) {
    options.primary = args.primary;
    options.secondary = args.secondary;
  } else if (args.metrics.empty() && !manifest_text.empty()) {
    const auto manifest = nlohmann::json::parse(manifest_text, nullptr, false);
    if (manifest.is_object() && manifest.contains("outcomes")) {
      if (auto status = bench::ApplyDeclaredOutcomes(manifest["outcomes"], table, options); !status.ok()) {
        return status;
      }
    }
  }
  if (args.equivalence_margin > 0) options.equivalence_margin = args.equivalence_margin;
  for (const auto& spec : args.transforms) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) return InvalidArgument("--transform wants METRIC=ln|log10|none");
    auto transform = stats::ParseTransform(spec.substr(eq + 1));
    if (!transform.ok()) return transform.status();
    options.transforms[spec.substr(0, eq)] = *transform;
  }
  return Status::Ok();
}

Result<stats::AnalysisOptions> BaseOptions(const AnalyzeArgs& args) {
  stats::AnalysisOptions options;
  options.scenario_column = args.scenario_column;
  options.protocol_column = args.protocol_column;
  options.metrics = args.metrics;
  options.alpha = args.alpha;
  options.higher_is_better = args.higher_is_better;
  if (args.ss_type == "2" || args.ss_type == "II") {
    options.ss_type = stats::SumOfSquaresType::kTypeII;
  } else if (args.ss_type == "3" || args.ss_type == "III") {
    options.ss_type = stats::SumOfSquaresType::kTypeIII;
  } else {
    return InvalidArgument("--ss-type must be 2 or 3");
  }
  return options;
}

int Run(const AnalyzeArgs& args) {
  auto format = report::ParseFormat(args.format);
  if (!format.ok()) return Fail(format.status());
  auto options = BaseOptions(args);
  if (!options.ok()) return Fail(options.status());
  stats::CsvOptions csv_options;
  csv_options.factor_columns = args.extra_factors;
  csv_options.factor_columns.push_back(args.scenario_column);
  csv_options.factor_columns.push_back(args.protocol_column);
  auto table = stats::LoadCsv(args.csv, csv_options);
  if (!table.ok()) return Fail(table.status());

  const std::filesystem::path csv_path(args.csv);
  report::ReportInput input;
  input.table = &*table;
  input.source = csv_path.filename().string();
  // bench writes manifest.json and histograms.csv beside its results; explicit flags override.
  const auto beside = csv_path.parent_path();
  input.manifest_json =
      ReadIfPresent(args.manifest.empty() ? beside / "manifest.json" : std::filesystem::path(args.manifest));
  if (!args.manifest.empty() && input.manifest_json.empty()) {
    return Fail(Status(StatusCode::kNotFound, "cannot read manifest '" + args.manifest + "'"));
  }
  if (auto status = ApplyOutcomes(args, input.manifest_json, *table, *options); !status.ok()) return Fail(status);
  auto analysis = stats::Analyze(*table, *options);
  if (!analysis.ok()) return Fail(analysis.status());
  input.analysis = &*analysis;
  const std::filesystem::path histograms =
      args.histograms.empty() ? beside / "histograms.csv" : std::filesystem::path(args.histograms);
  if (!args.histograms.empty() || std::filesystem::exists(histograms)) {
    auto buckets = report::LoadHistograms(histograms.string());
    if (!buckets.ok()) return Fail(buckets.status());
    input.histograms = std::move(*buckets);
  }

  const std::string document = report::Render(*format, input);
  if (args.out.empty() || args.out == "-") {
    std::cout << document;
    return 0;
  }
  std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
  out << document;
  out.close();
  if (!out) return Fail(Status(StatusCode::kInternal, "cannot write '" + args.out + "'"));
  std::cerr << "maestro analyze: wrote " << args.out << "\n";
  return 0;
}

RegisterCommand analyze_command(
    "analyze", "Statistics and a report (text, md, json, csv, html) from a results CSV",
    [](CLI::App& app) -> std::function<int()> {
      auto args = std::make_shared<AnalyzeArgs>();
      app.add_option("csv", args->csv, "Results CSV: factor columns scenario, protocol, run, then numeric metrics")
          ->required();
      app.add_option("--format,-f", args->format, "text | md | json | csv | html")->capture_default_str();
      app.add_option("--out,-o", args->out, "Write to FILE instead of standard output");
      app.add_option("--transform", args->transforms, "METRIC=none|ln|log10 for the tests (repeatable)");
      app.add_option("--ss-type", args->ss_type, "Sums of squares: 2 (Type II) or 3 (Type III, sum-to-zero coding)")
          ->capture_default_str();
      app.add_option("--alpha", args->alpha, "Significance level")->capture_default_str();
      app.add_option("--metrics", args->metrics, "Metrics to analyse (default: every numeric column)")->delimiter(',');
      app.add_option("--scenario-column", args->scenario_column, "Name of the scenario factor")->capture_default_str();
      app.add_option("--protocol-column", args->protocol_column, "Name of the protocol factor")->capture_default_str();
      app.add_option("--factor", args->extra_factors, "Other label columns, not metrics (default: run)");
      app.add_option("--higher-is-better", args->higher_is_better,
                     "Metrics where larger is better (default: names with throughput/rps/req_s)");
      app.add_option("--primary", args->primary,
                     "Primary outcomes (default: the manifest's declaration): Holm, ratios and equivalence tests")
          ->delimiter(',');
      app.add_option("--secondary", args->secondary, "Secondary outcomes (Benjamini-Hochberg with the rest)")
          ->delimiter(',');
      app.add_option("--equivalence-margin", args->equivalence_margin,
                     "Ratio margin for equivalence of primary outcomes (default: the manifest's, else 0.05 = +-5%)")
          ->check(CLI::Range(0.001, 0.5));
      app.add_option("--manifest", args->manifest, "bench manifest.json (default: manifest.json beside the CSV)");
      app.add_option("--histograms", args->histograms,
                     "Latency histograms CSV scenario,protocol,le,count (default: histograms.csv beside the CSV)");
      return [args] { return Run(*args); };
    });

}  // namespace
}  // namespace maestro::cli
