#include "orchestrator/rate_limiter.h"

#include <algorithm>

namespace maestro {

RateLimiter::RateLimiter(double rate, double burst, size_t max_keys)
    : rate_(rate), burst_(std::max(burst, 1.0)), max_keys_(max_keys) {}

RateLimiter::Clock::duration RateLimiter::Take(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) buckets_.clear();
    it = buckets_.emplace(key, Bucket{burst_, now}).first;
  }
  Bucket& bucket = it->second;
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  if (elapsed > 0) {
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed * rate_);
    bucket.updated = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return Clock::duration::zero();
  }
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>((1 - bucket.tokens) / rate_));
}

}  // namespace maestro
