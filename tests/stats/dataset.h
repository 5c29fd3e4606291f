// Deterministic synthetic results tables for the statistics tests. A fixed-seed SplitMix64 generator and
// Box-Muller normals make the numbers identical on every platform and standard library.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace maestro::stats::testing {

class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  double Uniform() {  // in (0, 1)
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (static_cast<double>(z >> 11) + 0.5) / 9007199254740992.0;
  }
  double Normal() { return std::sqrt(-2 * std::log(Uniform())) * std::cos(2 * M_PI * Uniform()); }

 private:
  std::uint64_t state_;
};

// Cell (scenario s, protocol p, run r) -> one row of metric values.
using RowMaker = std::function<std::vector<double>(int s, int p, int r, Random&)>;

// Builds CSV text with columns scenario,protocol,run,<metrics>; `runs(s, p)` gives each cell's size.
inline std::string MakeCsv(const std::vector<std::string>& scenarios, const std::vector<std::string>& protocols,
                           const std::vector<std::string>& metrics, const std::function<int(int, int)>& runs,
                           const RowMaker& make, std::uint64_t seed) {
  Random random(seed);
  std::string csv = "scenario,protocol,run";
  for (const auto& m : metrics) csv += "," + m;
  csv += "\n";
  char number[64];
  // Rows are interleaved by run so the analysis cannot rely on sorted input.
  int max_runs = 0;
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    for (std::size_t p = 0; p < protocols.size(); ++p) max_runs = std::max(max_runs, runs(s, p));
  }
  for (int r = 0; r < max_runs; ++r) {
    for (std::size_t s = 0; s < scenarios.size(); ++s) {
      for (std::size_t p = 0; p < protocols.size(); ++p) {
        if (r >= runs(s, p)) continue;
        csv += scenarios[s] + "," + protocols[p] + "," + std::to_string(r + 1);
        for (double v : make(s, p, r, random)) {
          std::snprintf(number, sizeof number, ",%.17g", v);
          csv += number;
        }
        csv += "\n";
      }
    }
  }
  return csv;
}

}  // namespace maestro::stats::testing
