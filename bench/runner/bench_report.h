// The analysis at the end of an experiment: `maestro analyze` on the experiment's own CSV, with the outcomes its
// manifest declared and the merged latency histograms, written as report.html (and report.json for tools), plus
// the same story for the terminal.
#pragma once

#include <string>
#include <vector>

#include "bench/runner/results_writer.h"
#include "common/status.h"
#include "stats/analysis.h"

namespace maestro::bench {

// Writes DIR/histograms.csv: per scenario and protocol, the runs' merged latency histogram as cumulative
// (le, count) points, le in milliseconds, the format `maestro analyze --histograms` reads.
Status WriteMergedHistograms(const std::string& dir, const std::vector<RunRecord>& records);

struct BenchReport {
  std::string html_path;
  std::vector<std::string> stories;   // one sentence per scenario: the answer
  std::vector<std::string> warnings;  // primary outcomes whose run-to-run CV exceeds 5% in some cell
};

// Analyses DIR/all_results.csv with the outcomes declared in DIR/manifest.json and writes DIR/report.html and
// DIR/report.json. RETURNS the report's path and story, or the analysis's error.
Result<BenchReport> WriteReport(const std::string& dir);

// One line per primary outcome with cells whose run-to-run coefficient of variation exceeds `limit_pct`: how
// many, and the worst.
std::vector<std::string> RepeatabilityWarnings(const stats::AnalysisResult& analysis, double limit_pct = 5);

}  // namespace maestro::bench
