// InflightLimit: the --max-inflight admission check every server adapter applies the same way. A call that
// would exceed the limit is refused at once (kOverloaded), never queued.
#pragma once

#include <atomic>

namespace maestro {

class InflightLimit {
 public:
  // `limit` below 1 is treated as 1.
  explicit InflightLimit(int limit) : limit_(limit < 1 ? 1 : limit) {}
  InflightLimit(const InflightLimit&) = delete;
  InflightLimit& operator=(const InflightLimit&) = delete;

  // RETURNS true and counts the call when fewer than `limit` calls are running; false otherwise.
  // Every true must be matched by one Release. THREAD-SAFETY: safe.
  bool TryAcquire() {
    int now = count_.fetch_add(1, std::memory_order_acq_rel);
    if (now < limit_) return true;
    count_.fetch_sub(1, std::memory_order_acq_rel);
    return false;
  }
  void Release() { count_.fetch_sub(1, std::memory_order_acq_rel); }
  int running() const { return count_.load(std::memory_order_acquire); }

 private:
  const int limit_;
  std::atomic<int> count_{0};
};

}  // namespace maestro
