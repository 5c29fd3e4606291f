#include "bench/runner/experiment_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace maestro::bench {

std::string FormatExperimentSummary(const std::vector<RunRecord>& records) {
  struct Cell {
    int runs = 0;
    LatencyHistogram latency;
    LatencyHistogram first_byte;
    double throughput = 0, cpu = 0, rss = 0;
    uint64_t requests = 0, errors = 0;
  };
  std::map<std::pair<std::string, std::string>, Cell> cells;
  for (const auto& record : records) {
    Cell& cell = cells[{record.run.scenario, record.run.protocol}];
    cell.runs++;
    cell.latency.Merge(record.load.latency);
    cell.first_byte.Merge(record.load.first_byte);
    cell.throughput += record.load.throughput_rps();
    cell.requests += record.load.requests;
    cell.errors += record.load.errors.total();
    auto row = CsvRow(record);
    cell.cpu += std::stod(row[4]);
    cell.rss += std::stod(row[5]);
  }
  std::string out =
      fmt::format("{:<22} {:<8} {:>4} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9} {:>9} {:>11}\n", "scenario", "protocol",
                  "runs", "req/s", "mean ms", "p90 ms", "p99 ms", "errors", "CPU %", "RSS MB", "TTFA p50 ms");
  for (const auto& [key, cell] : cells) {
    const auto& latency = cell.latency;  // a lambda may not capture a structured binding before clang 16
    auto ms = [&latency](double percentile) {
      return latency.count() ? static_cast<double>(latency.ValueAtPercentile(percentile)) / 1e6 : 0.0;
    };
    double error_rate = cell.requests ? static_cast<double>(cell.errors) / static_cast<double>(cell.requests) : 0;
    const double ttfa = cell.first_byte.count() ? cell.first_byte.ValueAtPercentile(50) / 1e6 : 0;
    out += fmt::format(
        "{:<22} {:<8} {:>4} {:>10.1f} {:>10.2f} {:>10.2f} {:>10.2f} {:>8.2f}% {:>9.1f} {:>9.1f} {:>11.2f}\n", key.first,
        key.second, cell.runs, cell.throughput / cell.runs, cell.latency.mean() / 1e6, ms(90), ms(99), 100 * error_rate,
        cell.cpu / cell.runs, cell.rss / cell.runs, ttfa);
  }
  out += "CPU % and RSS MB: sum over maestro, stt, llm and tts (inproc: maestro alone), mean over the window.\n";
  out += "TTFA: time to the first byte of the answer's audio (with --stream, the first sentence's speech).\n";
  return out;
}

std::vector<std::string> MachineWarnings(const std::vector<RunRecord>& records, unsigned cores) {
  const double capacity = 100.0 * std::max(1u, cores);
  int busy_machine = 0, busy_loadgen = 0, saturated = 0, unfinished_runs = 0;
  uint64_t most_unfinished = 0;
  double worst_other = 0, worst_load = 0, worst_loadgen = 0;
  for (const auto& record : records) {
    if (record.other_cpu_percent > kOtherCpuLimit * capacity) {
      ++busy_machine;
      worst_other = std::max(worst_other, record.other_cpu_percent);
      worst_load = std::max(worst_load, record.load_average_1m);
    }
    for (const auto& process : record.resources) {
      if (process.name == "loadgen" && process.cpu_percent_mean > kLoadgenCpuLimit * capacity) {
        ++busy_loadgen;
        worst_loadgen = std::max(worst_loadgen, process.cpu_percent_mean);
      }
    }
    saturated += record.load.generator_bottleneck ? 1 : 0;
    if (record.load.unfinished > 0) {
      ++unfinished_runs;
      most_unfinished = std::max(most_unfinished, record.load.unfinished);
    }
  }
  std::vector<std::string> warnings;
  const auto runs = records.size();
  if (busy_machine > 0) {
    warnings.push_back(fmt::format(
        "machine busy: in {} of {} runs other processes used more than {:.0f}% of the {} cores (up to {:.0f}% of a "
        "core, load average up to {:.1f}); rerun on a quiet machine before trusting small differences",
        busy_machine, runs, 100 * kOtherCpuLimit, cores, worst_other, worst_load));
  }
  if (busy_loadgen > 0) {
    warnings.push_back(fmt::format(
        "load generator heavy: in {} of {} runs it used more than {:.0f}% of the machine (up to {:.0f}% of a core), "
        "competing with the services it measures",
        busy_loadgen, runs, 100 * kLoadgenCpuLimit, worst_loadgen));
  }
  if (saturated > 0) {
    warnings.push_back(
        fmt::format("load generator saturated in {} of {} runs (its busiest thread above 85% of a "
                    "core): those runs measure the generator, not the services",
                    saturated, runs));
  }
  if (unfinished_runs > 0) {
    warnings.push_back(fmt::format(
        "unfinished requests in {} of {} runs (up to {} in one run): slower than the window plus the timeout, they "
        "are neither successes nor errors, so those runs' throughput, latency and error rate understate how slow "
        "the services were",
        unfinished_runs, runs, most_unfinished));
  }
  return warnings;
}

}  // namespace maestro::bench
