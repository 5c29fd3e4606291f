#include "bench/resources/resource_sampler.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "bench/resources/proc_stats.h"
#include "bench/resources/socket_bytes.h"

namespace maestro::bench {

using Clock = std::chrono::steady_clock;

struct ResourceSampler::Tracked {
  struct SocketCounters {
    TcpBytes baseline;  // the counts when first seen at the start sample; zero for sockets opened later
    TcpBytes last;
  };
  ProcessResources summary;
  bool have_first = false;
  Clock::time_point first_at;
  Clock::time_point last_at;
  uint64_t first_ticks = 0;
  uint64_t last_ticks = 0;
  long double rss_sum = 0;
  std::unordered_map<uint64_t, SocketCounters> sockets;
};

ResourceSampler::ResourceSampler(SamplerOptions options) : options_(options) {}

ResourceSampler::~ResourceSampler() {
  Stop();
}

Status ResourceSampler::Watch(std::string name, pid_t pid) {
  std::lock_guard lock(mutex_);
  if (started_) return InvalidArgument("sampler: Watch after Start");
  if (pid <= 0) return InvalidArgument("sampler: bad pid " + std::to_string(pid));
  if (kill(pid, 0) != 0 && errno == ESRCH) {
    return Status(StatusCode::kNotFound, "sampler: no process " + std::to_string(pid));
  }
  auto tracked = std::make_unique<Tracked>();
  tracked->summary.name = std::move(name);
  tracked->summary.pid = pid;
  tracked_.push_back(std::move(tracked));
  return Status::Ok();
}

Status ResourceSampler::Start() {
  {
    std::lock_guard lock(mutex_);
    if (started_) return InvalidArgument("sampler: already started");
    started_ = true;
  }
  SampleAll();
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void ResourceSampler::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (!started_ || stop_) return;
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  SampleAll();
}

void ResourceSampler::Loop() {
  auto next = Clock::now() + options_.interval;
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (wake_.wait_until(lock, next, [this] { return stop_; })) break;
    lock.unlock();
    SampleAll();
    lock.lock();
    // A fixed schedule, so a slow sample does not stretch every later interval.
    next += options_.interval;
    const auto now = Clock::now();
    if (next < now) next = now + options_.interval;
  }
}

void ResourceSampler::SampleAll() {
  std::unordered_map<uint64_t, TcpBytes> tcp;
  bool have_tcp = false;
  if (options_.tcp_bytes) {
    auto dump = DumpTcpBytes();
    if (dump.ok()) {
      tcp = std::move(dump.value());
      have_tcp = true;
    }
  }
  std::lock_guard lock(mutex_);
  for (auto& t : tracked_) {
    if (t->summary.exited) continue;
    const auto now = Clock::now();
    auto stat = ReadProcStat(t->summary.pid);
    if (!stat.ok()) {
      t->summary.exited = true;
      continue;
    }
    auto& s = t->summary;
    if (!t->have_first) {
      t->have_first = true;
      t->first_at = now;
      t->first_ticks = stat->cpu_ticks;
    } else {
      const double dt = std::chrono::duration<double>(now - t->last_at).count();
      if (dt > 0) {
        const double cpu = static_cast<double>(stat->cpu_ticks - t->last_ticks) / ClockTicksPerSecond();
        s.cpu_percent_peak = std::max(s.cpu_percent_peak, 100.0 * cpu / dt);
      }
    }
    t->last_at = now;
    t->last_ticks = stat->cpu_ticks;
    ++s.samples;
    t->rss_sum += stat->rss_bytes;
    s.rss_peak_bytes = std::max(s.rss_peak_bytes, stat->rss_bytes);
    s.rss_mean_bytes = static_cast<uint64_t>(t->rss_sum / s.samples);
    s.window_s = std::chrono::duration<double>(t->last_at - t->first_at).count();
    s.cpu_seconds = static_cast<double>(t->last_ticks - t->first_ticks) / ClockTicksPerSecond();
    s.cpu_percent_mean = s.window_s > 0 ? 100.0 * s.cpu_seconds / s.window_s : 0;

    if (!have_tcp) continue;
    auto inodes = SocketInodes(s.pid);
    if (!inodes.ok()) continue;
    const bool baseline_sample = s.samples == 1;
    for (uint64_t inode : *inodes) {
      auto found = tcp.find(inode);
      if (found == tcp.end()) continue;
      auto [it, inserted] = t->sockets.try_emplace(inode);
      if (inserted && baseline_sample) it->second.baseline = found->second;
      it->second.last = found->second;
    }
    uint64_t sent = 0;
    uint64_t received = 0;
    for (const auto& [inode, c] : t->sockets) {
      sent += c.last.sent - std::min(c.last.sent, c.baseline.sent);
      received += c.last.received - std::min(c.last.received, c.baseline.received);
    }
    s.tcp_bytes_sent = sent;
    s.tcp_bytes_received = received;
  }
}

std::vector<ProcessResources> ResourceSampler::Summary() const {
  std::lock_guard lock(mutex_);
  std::vector<ProcessResources> out;
  for (const auto& t : tracked_) out.push_back(t->summary);
  return out;
}

nlohmann::json ResourcesToJson(const std::vector<ProcessResources>& resources) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : resources) {
    out.push_back({{"name", r.name},
                   {"pid", r.pid},
                   {"samples", r.samples},
                   {"window_s", r.window_s},
                   {"cpu_seconds", r.cpu_seconds},
                   {"cpu_percent_mean", r.cpu_percent_mean},
                   {"cpu_percent_peak", r.cpu_percent_peak},
                   {"rss_mean_mb", static_cast<double>(r.rss_mean_bytes) / (1 << 20)},
                   {"rss_peak_mb", static_cast<double>(r.rss_peak_bytes) / (1 << 20)},
                   {"tcp_bytes_sent", r.tcp_bytes_sent},
                   {"tcp_bytes_received", r.tcp_bytes_received},
                   {"exited", r.exited}});
  }
  return out;
}

std::string FormatResourcesTable(const std::vector<ProcessResources>& resources) {
  std::string out = fmt::format("  {:<12} {:>8} {:>9} {:>9} {:>10} {:>10} {:>12} {:>12}\n", "process", "pid", "cpu%",
                                "cpu% max", "rss MB", "rss MB max", "tcp sent", "tcp recv");
  for (const auto& r : resources) {
    out += fmt::format("  {:<12} {:>8} {:>9.1f} {:>9.1f} {:>10.1f} {:>10.1f} {:>12} {:>12}{}\n", r.name, r.pid,
                       r.cpu_percent_mean, r.cpu_percent_peak, static_cast<double>(r.rss_mean_bytes) / (1 << 20),
                       static_cast<double>(r.rss_peak_bytes) / (1 << 20), r.tcp_bytes_sent, r.tcp_bytes_received,
                       r.exited ? "  (exited)" : "");
  }
  return out;
}

}  // namespace maestro::bench
