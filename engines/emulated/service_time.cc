#include "engines/emulated/service_time.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cmath>
#include <random>

#include "common/parse_number.h"

namespace maestro::emulated {

namespace asio = boost::asio;

struct ServiceTime::TimerLoop {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread thread{[this] { io.run(); }};
  ~TimerLoop() {
    work.reset();
    io.stop();
    thread.join();
  }
};

namespace {

Result<double> TakeNumber(EngineOptions& options, const std::string& key, double fallback) {
  auto it = options.find(key);
  if (it == options.end()) return fallback;
  auto value = ParseNumber<double>(it->second);
  if (!value || !std::isfinite(*value) || *value < 0) {
    return InvalidArgument("option " + key + "='" + it->second + "' is not a non-negative number");
  }
  options.erase(it);
  return *value;
}

}  // namespace

Result<ServiceTimeConfig> TakeServiceTimeConfig(EngineOptions& options) {
  ServiceTimeConfig config;
  auto mean = TakeNumber(options, "service_ms", 0);
  if (!mean.ok()) return mean.status();
  auto sd = TakeNumber(options, "sd_ms", 0);
  if (!sd.ok()) return sd.status();
  auto seed = TakeNumber(options, "seed", 42);
  if (!seed.ok()) return seed.status();
  auto workers = TakeNumber(options, "workers", 0);
  if (!workers.ok()) return workers.status();
  if (*workers > 4096) return InvalidArgument("option workers must be at most 4096");
  config.workers = static_cast<int>(*workers);
  config.mean_ms = *mean;
  config.sd_ms = *sd;
  config.seed = static_cast<uint64_t>(*seed);
  if (auto it = options.find("mode"); it != options.end()) {
    if (it->second != "sleep" && it->second != "busy") return InvalidArgument("option mode must be sleep or busy");
    config.busy = it->second == "busy";
    options.erase(it);
  }
  return config;
}

Status RejectUnknownOptions(const EngineOptions& options, const std::string& engine) {
  if (options.empty()) return Status::Ok();
  return InvalidArgument("engine " + engine + " has no option '" + options.begin()->first + "'");
}

ServiceTime::ServiceTime(ServiceTimeConfig config) : config_(config) {
  if (config_.sd_ms > 0 && config_.mean_ms > 0) {
    // Lognormal parameters from the desired mean m and sd s: sigma² = ln(1 + s²/m²), mu = ln m - sigma²/2.
    double variance_ratio = (config_.sd_ms * config_.sd_ms) / (config_.mean_ms * config_.mean_ms);
    log_sigma_ = std::sqrt(std::log1p(variance_ratio));
    log_mu_ = std::log(config_.mean_ms) - log_sigma_ * log_sigma_ / 2;
  }
  if (config_.mean_ms > 0) {
    if (config_.busy) {
      burners_ = std::make_unique<ThreadPool>(std::max(1u, std::thread::hardware_concurrency()), 0, "emulated-busy");
    } else {
      timers_ = std::make_unique<TimerLoop>();
      worker_free_at_.resize(static_cast<size_t>(std::max(config_.workers, 0)));
    }
  }
}

ServiceTime::~ServiceTime() = default;

std::chrono::nanoseconds ServiceTime::DurationOfCall(uint64_t n) const {
  if (config_.mean_ms <= 0) return std::chrono::nanoseconds(0);
  double ms = config_.mean_ms;
  if (log_sigma_ > 0) {
    std::mt19937_64 rng(config_.seed ^ (n * 0x9E3779B97F4A7C15ull));
    std::lognormal_distribution<double> dist(log_mu_, log_sigma_);
    ms = dist(rng);
  }
  return std::chrono::nanoseconds(static_cast<int64_t>(ms * 1e6));
}

void ServiceTime::Schedule(std::function<void()> work) {
  auto duration = DurationOfCall(calls_.fetch_add(1, std::memory_order_relaxed));
  if (duration.count() == 0) {
    work();
    return;
  }
  if (burners_) {
    burners_->Submit([duration, work = std::move(work)] {
      auto until = std::chrono::steady_clock::now() + duration;
      volatile uint64_t sink = 0;
      while (std::chrono::steady_clock::now() < until) {
        for (int i = 0; i < 1000; ++i) sink = sink + i;
      }
      work();
    });
    return;
  }
  auto finish = std::chrono::steady_clock::now() + duration;
  if (!worker_free_at_.empty()) {
    // The call waits for the worker that frees up first, as on a server with that many workers.
    std::lock_guard lock(workers_mutex_);
    auto worker = std::min_element(worker_free_at_.begin(), worker_free_at_.end());
    finish = std::max(*worker, std::chrono::steady_clock::now()) + duration;
    *worker = finish;
  }
  auto timer = std::make_shared<asio::steady_timer>(timers_->io, finish);
  timer->async_wait([timer, work = std::move(work)](const boost::system::error_code&) { work(); });
}

}  // namespace maestro::emulated
