// AdmissionGate: the one --max-inflight rule, used by every server (Maestro's HTTP surface and the REST, gRPC and
// Thrift services). At most `max_inflight` calls run at once; up to `max_queued` more wait for a slot; beyond
// both, a call is refused and answered kOverloaded (503 + Retry-After, RESOURCE_EXHAUSTED, a ServiceError).
// The services use a queue of 0, refusing the excess at once; Maestro queues, since waiting costs it no thread.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace maestro {

class AdmissionGate {
 public:
  // `max_inflight` below 1 is treated as 1. `max_queued` may be 0: then nothing waits.
  AdmissionGate(size_t max_inflight, size_t max_queued)
      : max_inflight_(max_inflight < 1 ? 1 : max_inflight), max_queued_(max_queued) {}
  AdmissionGate(const AdmissionGate&) = delete;
  AdmissionGate& operator=(const AdmissionGate&) = delete;

  // Takes a slot only if one is free now, never waiting.
  // RETURNS true when the call may run; every true must be matched by one Release. THREAD-SAFETY: safe.
  bool TryAcquire() {
    std::lock_guard lock(mutex_);
    if (inflight_ >= max_inflight_) return false;
    ++inflight_;
    return true;
  }

  // Asks for a slot. `admitted(true)` runs once one is granted (at once on this thread, or later on the thread
  // that releases a slot); `admitted(false)` runs at once when the queue is full. THREAD-SAFETY: safe.
  void Acquire(std::function<void(bool)> admitted) {
    std::unique_lock lock(mutex_);
    if (inflight_ < max_inflight_) {
      ++inflight_;
      lock.unlock();
      admitted(true);
      return;
    }
    if (queued_.size() >= max_queued_) {
      lock.unlock();
      admitted(false);
      return;
    }
    queued_.push_back(std::move(admitted));
  }

  // Gives a granted slot back; the longest-queued call, if any, gets it. THREAD-SAFETY: safe.
  void Release() {
    std::unique_lock lock(mutex_);
    if (queued_.empty()) {
      --inflight_;
      return;
    }
    auto next = std::move(queued_.front());
    queued_.pop_front();
    lock.unlock();
    next(true);
  }

  // RETURNS the calls holding a slot now. THREAD-SAFETY: safe.
  size_t inflight() const {
    std::lock_guard lock(mutex_);
    return inflight_;
  }
  // RETURNS the calls waiting for a slot now. THREAD-SAFETY: safe.
  size_t queued() const {
    std::lock_guard lock(mutex_);
    return queued_.size();
  }

 private:
  const size_t max_inflight_;
  const size_t max_queued_;
  mutable std::mutex mutex_;
  size_t inflight_ = 0;
  std::deque<std::function<void(bool)>> queued_;
};

}  // namespace maestro
