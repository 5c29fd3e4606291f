// The k6-like table printed at the end of an experiment: one line per scenario and protocol, averaged over runs.
#pragma once

#include <string>
#include <vector>

#include "bench/runner/results_writer.h"

namespace maestro::bench {

std::string FormatExperimentSummary(const std::vector<RunRecord>& records);

// Limits beyond which a run's numbers are suspect, as shares of the machine's CPU capacity (cores x 100%).
inline constexpr double kOtherCpuLimit = 0.20;    // processes outside the experiment
inline constexpr double kLoadgenCpuLimit = 0.25;  // the load generator itself, competing with the services

// Warnings about the machine during the runs: other processes' CPU above kOtherCpuLimit of the machine, the load
// generator above kLoadgenCpuLimit of it, its busiest thread saturated (LoadSummary::generator_bottleneck), or
// requests left unfinished (LoadSummary::unfinished: they count neither as successes nor as errors).
// One line per kind, naming how many runs and the worst value; empty when every run was clean.
std::vector<std::string> MachineWarnings(const std::vector<RunRecord>& records, unsigned cores);

}  // namespace maestro::bench
