// RunPlan: the order in which an experiment's runs happen. Runs are grouped in blocks of one protocol and one
// scenario level; services start fresh for every block (the thesis restarted between protocols; restarting
// between scenarios too gives each emulated scenario its own profile and lets no warm state cross). The order of
// the blocks is shuffled with the seed, so time trends on the machine do not line up with a factor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/runner/bench_config.h"

namespace maestro::bench {

struct PlannedRun {
  std::string id;  // "<protocol>-<scenario>-<run>", a file name
  std::string protocol;
  std::string scenario;  // the scenario level (may carry a rate)
  std::string base_scenario;
  double rate = 0;  // open loop only
  int run = 0;      // 1-based repetition number
};

struct PlanBlock {
  std::string protocol;
  std::string scenario;
  std::vector<PlannedRun> runs;
};

// RETURNS the blocks in execution order. Pure: the same config and seed always give the same order.
std::vector<PlanBlock> MakeRunPlan(const BenchConfig& config);

}  // namespace maestro::bench
