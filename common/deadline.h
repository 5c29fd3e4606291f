// Deadline: the absolute time by which a request must be answered, carried through every hop.
#pragma once

#include <chrono>
#include <cstdint>

namespace maestro {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  // A deadline `budget` from now.
  static Deadline In(std::chrono::milliseconds budget) { return Deadline(Clock::now() + budget); }
  static Deadline Never() { return Deadline(Clock::time_point::max()); }
  // A budget read off the wire, in milliseconds. Zero or less is already spent; more than a year is Never(), as
  // gRPC reports "no deadline" as a far-future one, and because the clock would overflow.
  static Deadline FromBudgetMs(int64_t ms) {
    constexpr int64_t kYearMs = 365LL * 24 * 3600 * 1000;
    if (ms > kYearMs) return Never();
    return In(std::chrono::milliseconds(ms > 0 ? ms : 0));
  }
  explicit Deadline(Clock::time_point at) : at_(at) {}

  Clock::time_point at() const { return at_; }
  bool never() const { return at_ == Clock::time_point::max(); }
  bool expired() const { return !never() && Clock::now() >= at_; }
  // Milliseconds left, clamped at zero; a huge value for Never().
  int64_t remaining_ms() const {
    if (never()) return INT64_MAX / 4;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at_ - Clock::now()).count();
    return left > 0 ? left : 0;
  }

 private:
  Clock::time_point at_;
};

}  // namespace maestro
