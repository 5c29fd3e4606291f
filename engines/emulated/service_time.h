// ServiceTime: how long an emulated engine takes per call, and how it spends that time.
// Emulated engines exist only to isolate protocol cost; they are named "emulated" everywhere.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "common/thread_pool.h"
#include "engines/engine_registry.h"

namespace maestro::emulated {

struct ServiceTimeConfig {
  double mean_ms = 0;  // 0: answer at once
  double sd_ms = 0;    // 0: every call takes mean_ms; otherwise lognormal with this mean and sd
  bool busy = false;   // true: burn CPU on a worker for the time; false: wait on a timer, using no CPU
  uint64_t seed = 42;  // the n-th call of a run always gets the same duration
  int workers = 0;     // sleep mode: calls served at once, the rest queue in arrival order (0: no limit)
};

// Reads service_ms, sd_ms, mode (sleep|busy), workers and seed from `options`, and erases them from it.
Result<ServiceTimeConfig> TakeServiceTimeConfig(EngineOptions& options);

// Runs a completion after the configured service time, without a thread per waiting call.
// THREAD-SAFETY: Schedule is safe to call concurrently.
class ServiceTime {
 public:
  explicit ServiceTime(ServiceTimeConfig config);
  ~ServiceTime();
  ServiceTime(const ServiceTime&) = delete;
  ServiceTime& operator=(const ServiceTime&) = delete;

  // Runs `work` once the next call's service time has passed, on an internal thread.
  void Schedule(std::function<void()> work);
  // The duration of call number `n`; pure, for tests.
  std::chrono::nanoseconds DurationOfCall(uint64_t n) const;

 private:
  struct TimerLoop;
  ServiceTimeConfig config_;
  double log_mu_ = 0;
  double log_sigma_ = 0;
  std::atomic<uint64_t> calls_{0};
  std::mutex workers_mutex_;
  std::vector<std::chrono::steady_clock::time_point> worker_free_at_;  // one per worker when workers > 0
  std::unique_ptr<TimerLoop> timers_;
  std::unique_ptr<ThreadPool> burners_;
};

// RETURNS kInvalidArgument naming the first key left in `options`: engines call it after taking their keys.
Status RejectUnknownOptions(const EngineOptions& options, const std::string& engine);

}  // namespace maestro::emulated
