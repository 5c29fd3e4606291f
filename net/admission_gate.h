// AdmissionGate: the one --max-inflight rule for HTTP servers. At most `max_active` requests are processed at
// once; up to `max_waiting` more wait, unread, for a slot (their bytes stay in the kernel, not in our memory);
// beyond that a request is refused with 503 + Retry-After. Waiting costs no thread.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace maestro::net {

class AdmissionGate {
 public:
  // max_active 0 means unlimited.
  AdmissionGate(size_t max_active, size_t max_waiting) : max_active_(max_active), max_waiting_(max_waiting) {}

  // Asks for a slot. `admitted(true)` runs once one is granted (possibly at once, on this thread, or later on the
  // thread that releases a slot); `admitted(false)` runs at once when the queue is full.
  // THREAD-SAFETY: safe.
  void Acquire(std::function<void(bool)> admitted) {
    std::unique_lock lock(mutex_);
    if (max_active_ == 0 || active_ < max_active_) {
      ++active_;
      lock.unlock();
      admitted(true);
      return;
    }
    if (waiting_.size() >= max_waiting_) {
      lock.unlock();
      admitted(false);
      return;
    }
    waiting_.push_back(std::move(admitted));
  }

  // Gives a granted slot back; the longest waiter, if any, gets it.
  void Release() {
    std::unique_lock lock(mutex_);
    if (waiting_.empty()) {
      --active_;
      return;
    }
    auto next = std::move(waiting_.front());
    waiting_.pop_front();
    lock.unlock();
    next(true);
  }

  size_t active() const {
    std::lock_guard lock(mutex_);
    return active_;
  }
  size_t waiting() const {
    std::lock_guard lock(mutex_);
    return waiting_.size();
  }

 private:
  const size_t max_active_;
  const size_t max_waiting_;
  mutable std::mutex mutex_;
  size_t active_ = 0;
  std::deque<std::function<void(bool)>> waiting_;
};

}  // namespace maestro::net
