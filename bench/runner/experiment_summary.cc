#include "bench/runner/experiment_summary.h"

#include <fmt/format.h>

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
    auto ms = [&](double percentile) {
      return cell.latency.count() ? cell.latency.ValueAtPercentile(percentile) / 1e6 : 0;
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

}  // namespace maestro::bench
