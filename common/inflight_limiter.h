// InflightLimiter: the one --max-inflight rule, applied the same way by every protocol's server.
#pragma once

#include <atomic>

namespace maestro {

class InflightLimiter {
 public:
  explicit InflightLimiter(int limit) : limit_(limit) {}

  // RETURNS true and counts the call when fewer than `limit` are running; false otherwise (refuse the call
  // with kOverloaded). THREAD-SAFETY: safe.
  bool TryAcquire() {
    int now = inflight_.fetch_add(1, std::memory_order_acq_rel);
    if (now < limit_) return true;
    inflight_.fetch_sub(1, std::memory_order_acq_rel);
    return false;
  }
  // REQUIRES: a TryAcquire that returned true.
  void Release() { inflight_.fetch_sub(1, std::memory_order_acq_rel); }
  int inflight() const { return inflight_.load(std::memory_order_relaxed); }

 private:
  const int limit_;
  std::atomic<int> inflight_{0};
};

}  // namespace maestro
