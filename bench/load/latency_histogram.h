// LatencyHistogram: an HDR-style log-linear histogram of durations in nanoseconds. Each power of two is split
// into 128 linear sub-buckets, so a bucket is at most 1/128 of its lower bound wide and a reported value (the
// bucket midpoint) is within 0.4% of any value recorded in it, from 1 ns up to kMaxTrackableNs (about 137 s).
// Histograms merge exactly (bucket counts add), which is how per-thread and per-run results combine.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace maestro::bench {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 7;
  static constexpr uint64_t kSubBucketCount = uint64_t{1} << kSubBucketBits;
  // Values above this are clamped into the top bucket (max() stays exact).
  static constexpr uint64_t kMaxTrackableNs = (uint64_t{1} << 37) - 1;

  LatencyHistogram();

  // Records one duration. Negative values count as 0. Not thread-safe: use one histogram per thread and Merge.
  void Record(int64_t nanoseconds);
  // Adds every count of `other` into this histogram.
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  // Exact extremes and mean of what was recorded; 0 when empty.
  int64_t min() const { return count_ ? min_ : 0; }
  int64_t max() const { return count_ ? max_ : 0; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }

  // RETURNS the value at `percentile` (0..100]: the smallest recorded value v such that at least percentile% of
  // the recorded values are <= v, within the bucket error bound, clamped to [min, max]. 0 when empty.
  int64_t ValueAtPercentile(double percentile) const;

  // Serialises counts sparsely as {"unit":"ns","sub_bucket_bits":7,"count":..,"min":..,"max":..,"sum":..,
  // "buckets":[[index,count],...]}.
  nlohmann::json ToJson() const;
  // Parses ToJson's output. RETURNS InvalidArgument for a wrong layout, index or inconsistent count.
  static Result<LatencyHistogram> FromJson(const nlohmann::json& json);

  // Bucket geometry, public for tests: the index of a value and the [lowest, highest] values of a bucket.
  static size_t IndexOf(uint64_t value);
  static uint64_t LowestOf(size_t index);
  static uint64_t HighestOf(size_t index);
  static size_t BucketCount();

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  // Sum in nanoseconds; 2^64 ns is 584 years of summed latency, far beyond any run.
  uint64_t sum_ = 0;
};

}  // namespace maestro::bench
