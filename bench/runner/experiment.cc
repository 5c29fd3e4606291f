#include "bench/runner/experiment.h"

#include <ctime>

#include "bench/runner/bench_report.h"
#include "bench/runner/results_writer.h"

namespace maestro::bench {

Result<RecordedExperiment> RunRecordedExperiment(const BenchConfig& config, const RunnerEvents& events,
                                                 const std::atomic<bool>* cancel) {
  auto writer = ResultsWriter::Open(config.out_dir);
  if (!writer.ok()) return writer.status();
  auto manifest = MakeManifest(config, MakeRunPlan(config));
  manifest["started_at_unix"] = std::time(nullptr);
  if (auto status = (*writer)->WriteManifest(manifest); !status.ok()) return status;

  auto outcome = RunExperiment(config, **writer, events, cancel);
  manifest["finished_at_unix"] = std::time(nullptr);
  manifest["machine_after"] = MachineFacts()["load_average"];
  if (!outcome.ok()) {
    manifest["error"] = outcome.status().ToString();
    const Status written = (*writer)->WriteManifest(manifest);
    const std::string message = outcome.status().message() + " (finished runs are in " + config.out_dir + ")";
    return Status(outcome.status().code(), written.ok() ? message : message + "; " + written.ToString());
  }
  manifest["interrupted"] = outcome->interrupted;
  manifest["question_audio"] = outcome->question_source;
  manifest["runs_completed"] = outcome->records.size();
  if (auto status = (*writer)->WriteManifest(manifest); !status.ok()) return status;
  if (auto status = WriteMergedHistograms(config.out_dir, outcome->records); !status.ok()) return status;

  RecordedExperiment recorded;
  recorded.csv_path = (*writer)->csv_path();
  if (config.write_report && !outcome->records.empty()) {
    auto report = WriteReport(config.out_dir);
    if (report.ok()) {
      recorded.report_path = report->html_path;
      recorded.stories = report->stories;
      recorded.report_warnings = report->warnings;
    } else {
      recorded.report_status = report.status();
    }
  }
  recorded.outcome = std::move(outcome).value();
  return recorded;
}

}  // namespace maestro::bench
