// MatrixRunner: runs an experiment — every block of the plan on a freshly started stack, every run under load
// with its processes sampled over the measured window — and hands each finished run to the writer.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "bench/runner/bench_config.h"
#include "bench/runner/results_writer.h"
#include "bench/runner/run_plan.h"

namespace maestro::bench {

// What the runner tells its caller as it goes (progress bars, plain lines).
struct RunnerEvents {
  std::function<void(const PlanBlock& block, int block_index, int blocks)> block_starting;
  std::function<void(const PlannedRun& run, int run_index, int runs)> run_starting;
  std::function<void(const RunRecord& record, int run_index, int runs)> run_finished;
  std::function<void(const std::string& message)> warning;
};

struct ExperimentOutcome {
  std::vector<RunRecord> records;
  bool interrupted = false;
  std::string question_source;  // how the scenario audio was made
};

// Runs `config` and writes into `writer` as runs finish. Setting `*cancel` stops after the current run's
// partial window (kept) and stops the stack. RETURNS the records, or the first error that made running
// impossible (a stack that does not start, unwritable output).
Result<ExperimentOutcome> RunExperiment(const BenchConfig& config, ResultsWriter& writer, const RunnerEvents& events,
                                        const std::atomic<bool>* cancel);

// The manifest for `config`: machine facts, the full config, the seed, the plan's run order and the fairness
// settings applied to every protocol.
nlohmann::json MakeManifest(const BenchConfig& config, const std::vector<PlanBlock>& plan);

}  // namespace maestro::bench
