// ResultsWriter: what an experiment leaves in its output folder.
//   all_results.csv   one row per run; the first seven columns are exactly the thesis's
//   runs/<id>.json    the full k6-like summary of each run, with per-process resources
//   histograms/<id>.json  the raw latency histogram of each run (mergeable)
//   manifest.json     machine, versions, git commit, the full config, the seed and the run order
// Rows are flushed as runs finish, so an interrupted experiment keeps every finished run.
#pragma once

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/load/load_summary.h"
#include "bench/resources/resource_sampler.h"
#include "bench/runner/bench_config.h"
#include "bench/runner/run_plan.h"

namespace maestro::bench {

// The processes whose resources every row reports, in column order.
inline const std::vector<std::string> kServiceProcesses = {"maestro", "stt", "llm", "tts"};

struct RunRecord {
  PlannedRun run;
  LoadSummary load;
  std::vector<ProcessResources> resources;  // the services, and "loadgen" for this process
  // CPU the rest of the machine used during the window (all CPUs' busy time minus the sampled processes'), in
  // percent of one core; NaN when /proc/stat could not be read. Other work here blurs the measurements.
  double other_cpu_percent = std::numeric_limits<double>::quiet_NaN();
  double load_average_1m = 0;  // /proc/loadavg when the run ended
  bool tls = false;            // the run's links spoke TLS (BenchConfig::tls)
};

// The CSV header; the thesis's seven columns first.
std::vector<std::string> CsvColumns();
// One CSV row for `record`, matching CsvColumns(). cpu_usage_percent and memory_usage_mb sum the services
// (maestro, stt, llm, tts; only maestro for inproc), memory as mean RSS.
std::vector<std::string> CsvRow(const RunRecord& record);

class ResultsWriter {
 public:
  // Creates `dir`, runs/ and histograms/, and writes the CSV header. RETURNS kUnavailable when it cannot.
  static Result<std::unique_ptr<ResultsWriter>> Open(const std::string& dir);

  // Appends the run's row and writes its JSON files. RETURNS kUnavailable on a write failure.
  Status Write(const RunRecord& record);
  // Writes manifest.json (overwriting an earlier one).
  Status WriteManifest(const nlohmann::json& manifest);

  const std::string& dir() const { return dir_; }
  std::string csv_path() const { return dir_ + "/all_results.csv"; }

 private:
  explicit ResultsWriter(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
  std::ofstream csv_;
};

// Facts about this machine and build for the manifest: CPU model, cores, memory, kernel, load, versions.
nlohmann::json MachineFacts();

}  // namespace maestro::bench
