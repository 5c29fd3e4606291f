#include "bench/load/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <nlohmann/json.hpp>

namespace maestro::bench {

// Values below 2*kSubBucketCount map one-to-one to indices [0, 256). Above that, a value with its highest set
// bit at position e keeps its top 8 bits m in [128, 256): index = (e - 6) * 128 + (m - 128).
size_t LatencyHistogram::IndexOf(uint64_t value) {
  if (value > kMaxTrackableNs) value = kMaxTrackableNs;
  if (value < 2 * kSubBucketCount) return static_cast<size_t>(value);
  const int e = 63 - std::countl_zero(value);
  const int shift = e - kSubBucketBits;
  const uint64_t m = value >> shift;
  return static_cast<size_t>((e - kSubBucketBits + 1) * kSubBucketCount + (m - kSubBucketCount));
}

uint64_t LatencyHistogram::LowestOf(size_t index) {
  if (index < 2 * kSubBucketCount) return index;
  const uint64_t block = index / kSubBucketCount;  // = e - 6
  const uint64_t m = kSubBucketCount + index % kSubBucketCount;
  const int shift = static_cast<int>(block) - 1;
  return m << shift;
}

uint64_t LatencyHistogram::HighestOf(size_t index) {
  if (index < 2 * kSubBucketCount) return index;
  const int shift = static_cast<int>(index / kSubBucketCount) - 1;
  return LowestOf(index) + (uint64_t{1} << shift) - 1;
}

size_t LatencyHistogram::BucketCount() {
  return IndexOf(kMaxTrackableNs) + 1;
}

LatencyHistogram::LatencyHistogram() : counts_(BucketCount(), 0) {}

void LatencyHistogram::Record(int64_t nanoseconds) {
  if (nanoseconds < 0) nanoseconds = 0;
  ++counts_[IndexOf(static_cast<uint64_t>(nanoseconds))];
  if (count_ == 0) {
    min_ = max_ = nanoseconds;
  } else {
    min_ = std::min(min_, nanoseconds);
    max_ = std::max(max_, nanoseconds);
  }
  ++count_;
  sum_ += static_cast<uint64_t>(nanoseconds);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  if (count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  count_ += other.count_;
  sum_ += other.sum_;
}

int64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  auto rank = static_cast<uint64_t>(std::ceil(percentile / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  if (rank == count_) return max_;
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const uint64_t mid = LowestOf(i) + (HighestOf(i) - LowestOf(i)) / 2;
      return std::clamp(static_cast<int64_t>(mid), min_, max_);
    }
  }
  return max_;
}

nlohmann::json LatencyHistogram::ToJson() const {
  nlohmann::json buckets = nlohmann::json::array();
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] != 0) buckets.push_back({i, counts_[i]});
  }
  return {{"unit", "ns"}, {"sub_bucket_bits", kSubBucketBits}, {"count", count_}, {"min", min()}, {"max", max()},
          {"sum", sum_},  {"buckets", std::move(buckets)}};
}

Result<LatencyHistogram> LatencyHistogram::FromJson(const nlohmann::json& json) {
  try {
    if (json.at("unit").get<std::string>() != "ns" || json.at("sub_bucket_bits").get<int>() != kSubBucketBits) {
      return InvalidArgument("histogram: unsupported unit or sub_bucket_bits");
    }
    LatencyHistogram h;
    uint64_t total = 0;
    for (const auto& pair : json.at("buckets")) {
      const auto index = pair.at(0).get<uint64_t>();
      const auto n = pair.at(1).get<uint64_t>();
      if (index >= h.counts_.size()) return InvalidArgument("histogram: bucket index out of range");
      h.counts_[index] += n;
      total += n;
    }
    h.count_ = json.at("count").get<uint64_t>();
    if (total != h.count_) return InvalidArgument("histogram: bucket counts do not add up to count");
    h.min_ = json.at("min").get<int64_t>();
    h.max_ = json.at("max").get<int64_t>();
    h.sum_ = json.at("sum").get<uint64_t>();
    if (h.min_ > h.max_ || h.min_ < 0) return InvalidArgument("histogram: min/max inconsistent");
    return h;
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(std::string("histogram: malformed JSON: ") + e.what());
  }
}

}  // namespace maestro::bench
