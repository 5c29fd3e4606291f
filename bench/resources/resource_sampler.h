// ResourceSampler: samples CPU, RSS and TCP bytes of a set of processes every interval on its own thread and
// summarises each process over the sampled window (start to stop).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace maestro::bench {

struct SamplerOptions {
  std::chrono::milliseconds interval{250};
  bool tcp_bytes = true;  // match each process's sockets against sock_diag (see socket_bytes.h)
};

struct ProcessResources {
  std::string name;
  pid_t pid = 0;
  int samples = 0;
  double window_s = 0;          // from the first to the last sample of this process
  double cpu_seconds = 0;       // user + sys over the window
  double cpu_percent_mean = 0;  // cpu_seconds / window_s, in percent of one core (may exceed 100)
  double cpu_percent_peak = 0;  // the busiest single interval
  uint64_t rss_mean_bytes = 0;
  uint64_t rss_peak_bytes = 0;
  uint64_t tcp_bytes_sent = 0;  // payload acknowledged by the peer, over the window
  uint64_t tcp_bytes_received = 0;
  bool exited = false;  // the process disappeared before Stop
};

class ResourceSampler {
 public:
  explicit ResourceSampler(SamplerOptions options = {});
  ~ResourceSampler();  // stops the thread
  ResourceSampler(const ResourceSampler&) = delete;
  ResourceSampler& operator=(const ResourceSampler&) = delete;

  // Adds a process under a display name. REQUIRES: before Start. RETURNS InvalidArgument after Start or for
  // pid <= 0, NotFound when the process does not exist.
  Status Watch(std::string name, pid_t pid);
  // Takes the baseline sample and starts sampling every interval. RETURNS InvalidArgument when already started.
  Status Start();
  // Takes a final sample and joins the thread. Idempotent.
  void Stop();
  // The summary per watched process, in Watch order: final after Stop, a snapshot before. Thread-safe.
  std::vector<ProcessResources> Summary() const;

 private:
  struct Tracked;
  void Loop();
  void SampleAll();

  SamplerOptions options_;
  std::vector<std::unique_ptr<Tracked>> tracked_;
  mutable std::mutex mutex_;  // guards tracked_'s contents and stop_
  std::condition_variable wake_;
  bool started_ = false;
  bool stop_ = false;
  std::thread thread_;
};

nlohmann::json ResourcesToJson(const std::vector<ProcessResources>& resources);
// A human-readable table, one line per process.
std::string FormatResourcesTable(const std::vector<ProcessResources>& resources);

}  // namespace maestro::bench
