#include "bench/runner/run_plan.h"

#include <fmt/format.h>

#include <random>

namespace maestro::bench {

std::vector<PlanBlock> MakeRunPlan(const BenchConfig& config) {
  std::vector<PlanBlock> blocks;
  for (const auto& protocol : config.protocols) {
    for (const auto& scenario : config.scenarios) {
      std::vector<double> rates = config.rates.empty() ? std::vector<double>{0} : config.rates;
      for (double rate : rates) {
        PlanBlock block;
        block.protocol = protocol;
        block.scenario = rate > 0 ? fmt::format("{}@{:g}rps", scenario, rate) : scenario;
        for (int run = 1; run <= config.runs; ++run) {
          block.runs.push_back(
              {fmt::format("{}-{}-{}", protocol, block.scenario, run), protocol, block.scenario, scenario, rate, run});
        }
        blocks.push_back(std::move(block));
      }
    }
  }
  // std::shuffle's algorithm is implementation-defined; a Fisher-Yates over mt19937_64 is the same everywhere.
  std::mt19937_64 rng(config.seed);
  for (size_t i = blocks.size(); i > 1; --i) {
    size_t j = static_cast<size_t>(rng() % i);
    std::swap(blocks[i - 1], blocks[j]);
  }
  return blocks;
}

}  // namespace maestro::bench
