// Google Benchmark of LatencyHistogram: the cost the generator pays per response (Record) and per summary
// (percentiles, merge).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "bench/load/latency_histogram.h"

namespace maestro::bench {
namespace {

std::vector<int64_t> Latencies() {
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> d(std::log(2e6), 1.0);
  std::vector<int64_t> values(4096);
  for (auto& v : values) v = static_cast<int64_t>(d(rng));
  return values;
}

void BM_Record(benchmark::State& state) {
  const auto values = Latencies();
  LatencyHistogram h;
  size_t i = 0;
  for (auto _ : state) {
    h.Record(values[i++ & 4095]);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Record);

void BM_Percentile(benchmark::State& state) {
  LatencyHistogram h;
  for (int64_t v : Latencies()) h.Record(v);
  for (auto _ : state) benchmark::DoNotOptimize(h.ValueAtPercentile(99.9));
}
BENCHMARK(BM_Percentile);

void BM_Merge(benchmark::State& state) {
  LatencyHistogram a;
  LatencyHistogram b;
  for (int64_t v : Latencies()) b.Record(v);
  for (auto _ : state) a.Merge(b);
  benchmark::DoNotOptimize(a.count());
}
BENCHMARK(BM_Merge);

}  // namespace
}  // namespace maestro::bench

BENCHMARK_MAIN();
