// `maestro analyze` end to end on in-memory CSV text: parse + Analyze (+ a report). Issue #4's budgets:
// a 135-row CSV in <= 50 ms, 100k rows in <= 1 s. Results: docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "report/report.h"
#include "stats/analysis.h"

namespace maestro {
namespace {

// Thesis-shaped CSV (3 scenarios x 3 protocols, four metrics) with `rows` rows, from a fixed-seed generator.
std::string ThesisCsv(int rows) {
  std::uint64_t state = 42;
  auto uniform = [&] {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (static_cast<double>((z ^ (z >> 31)) >> 11) + 0.5) / 9007199254740992.0;
  };
  auto normal = [&] { return std::sqrt(-2 * std::log(uniform())) * std::cos(2 * M_PI * uniform()); };
  const char* scenarios[] = {"S1_chat", "S2_quotes", "S3_burst"};
  const char* protocols[] = {"rest", "grpc", "thrift"};
  std::string csv = "scenario,protocol,run,latency_ms,cpu_usage_percent,memory_usage_mb,throughput_req_s\n";
  char line[256];
  for (int i = 0; i < rows; ++i) {
    const int cell = i % 9, s = cell / 3, p = cell % 3;
    const double latency = (600 + 700 * s + 90 * p) * std::exp(0.15 * normal());
    std::snprintf(line, sizeof line, "%s,%s,%d,%.3f,%.2f,%.1f,%.3f\n", scenarios[s], protocols[p], i / 9 + 1, latency,
                  35 + 4 * p + 3 * normal(), 410 + 20 * p + 8 * normal(), 8000 / latency);
    csv += line;
  }
  return csv;
}

stats::AnalysisOptions LnLatency() {
  stats::AnalysisOptions options;
  options.transforms["latency_ms"] = stats::Transform::kLn;
  return options;
}

void BM_ParseAndAnalyze(benchmark::State& state) {
  const std::string csv = ThesisCsv(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto table = stats::ParseCsv(csv);
    auto result = stats::Analyze(table.value(), LnLatency());
    benchmark::DoNotOptimize(result.ok());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParseAndAnalyze)->Arg(135)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ParseOnly(benchmark::State& state) {
  const std::string csv = ThesisCsv(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(stats::ParseCsv(csv).ok());
}
BENCHMARK(BM_ParseOnly)->Arg(135)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

// The whole command's work for the HTML format (minus file I/O): parse, analyze, render with inlined charts.
void BM_ParseAnalyzeHtml(benchmark::State& state) {
  const std::string csv = ThesisCsv(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto table = stats::ParseCsv(csv);
    auto result = stats::Analyze(table.value(), LnLatency());
    report::ReportInput input{&result.value(), &table.value(), "bench.csv", "", {}};
    benchmark::DoNotOptimize(report::RenderHtml(input).size());
  }
}
BENCHMARK(BM_ParseAnalyzeHtml)->Arg(135)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace maestro

BENCHMARK_MAIN();
