// The k6-like table printed at the end of an experiment: one line per scenario and protocol, averaged over runs.
#pragma once

#include <string>
#include <vector>

#include "bench/runner/results_writer.h"

namespace maestro::bench {

std::string FormatExperimentSummary(const std::vector<RunRecord>& records);

}  // namespace maestro::bench
