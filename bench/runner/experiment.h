// Experiment: `maestro bench` end to end, without its terminal display — output folder, manifest (before and
// after), the matrix of runs, merged histograms and the analysis report.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "bench/runner/bench_config.h"
#include "bench/runner/matrix_runner.h"
#include "common/status.h"

namespace maestro::bench {

struct RecordedExperiment {
  ExperimentOutcome outcome;
  std::string csv_path;                      // all_results.csv
  std::string report_path;                   // report.html; empty when no report was written
  std::vector<std::string> stories;          // the report's answer, one sentence per scenario
  std::vector<std::string> report_warnings;  // primary outcomes whose run-to-run variation is too high
  Status report_status;                      // why the report was not written, when config.write_report asked for one
};

// Runs `config` into config.out_dir: writes manifest.json first (the plan and machine), every run as it finishes,
// then manifest.json again (finish time, load, runs completed or the error), histograms.csv and, when
// config.write_report and a run finished, the report. REQUIRES: a config that passed ValidateBenchConfig.
// RETURNS the experiment, or the first error: an unwritable output folder, manifest or histogram file, or a run
// that could not be made (the finished runs stay on disk). The report's own failure is not an error of the run.
Result<RecordedExperiment> RunRecordedExperiment(const BenchConfig& config, const RunnerEvents& events,
                                                 const std::atomic<bool>* cancel);

}  // namespace maestro::bench
