// The analysis at the end of an experiment: `maestro analyze` on the experiment's own CSV, with its manifest
// and merged latency histograms, written as report.html (and report.json for tools).
#pragma once

#include <string>
#include <vector>

#include "bench/runner/results_writer.h"
#include "common/status.h"

namespace maestro::bench {

// Writes DIR/histograms.csv: per scenario and protocol, the runs' merged latency histogram as cumulative
// (le, count) points, le in milliseconds, the format `maestro analyze --histograms` reads.
Status WriteMergedHistograms(const std::string& dir, const std::vector<RunRecord>& records);

// Analyses DIR/all_results.csv (ln of the latency metrics, as the thesis did) and writes DIR/report.html and
// DIR/report.json. RETURNS the HTML report's path, or the analysis's error (e.g. too few runs per cell).
Result<std::string> WriteReport(const std::string& dir);

}  // namespace maestro::bench
