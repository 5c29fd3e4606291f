// LoadSummary: the outcome of one load run, like k6's summary export: counts, rates, latency percentiles,
// errors by kind, and the generator's own CPU use.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "bench/load/latency_histogram.h"
#include "bench/load/load_config.h"

namespace maestro::bench {

// Errors by kind, counted over the measured window.
struct LoadErrors {
  uint64_t connect = 0;                 // the TCP connection could not be made
  uint64_t timeout = 0;                 // no complete response within the per-request timeout
  uint64_t io = 0;                      // the connection broke or the response was malformed after sending
  uint64_t wrong_body = 0;              // a 2xx/3xx response failed the Content-Type or minimum-size check
  std::map<int, uint64_t> http_status;  // responses with status >= 400, by code

  uint64_t http_status_total() const;
  uint64_t total() const;
  void Merge(const LoadErrors& other);
};

struct LoadSummary {
  LoadMode mode = LoadMode::kClosed;
  std::string url;
  int vus = 0;
  double target_rate = 0;
  int threads = 1;
  double warmup_s = 0;
  double window_s = 0;  // the measured window actually run (shorter than asked when cancelled)
  bool cancelled = false;

  // Requests whose (intended) start fell in the window and that ended: succeeded + errors.total().
  uint64_t requests = 0;
  uint64_t succeeded = 0;
  // Successful responses that arrived inside the window, whenever they were sent: the throughput numerator.
  uint64_t completed_in_window = 0;
  // Requests of the window still queued or in flight when the run ended (cancel, or past window end + timeout).
  uint64_t unfinished = 0;
  LoadErrors errors;
  // Open loop only: sends scheduled in the window, sent later than late_threshold, and not sent because
  // max_outstanding requests were outstanding (dropped ones are neither requests nor errors).
  uint64_t scheduled = 0;
  uint64_t late = 0;
  uint64_t dropped = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;

  // Latency of succeeded requests: from the send (closed loop) or the intended start (open loop).
  LatencyHistogram latency;
  // Time to the first byte of the response's body, measured like `latency`: for /assist/stream the first audio
  // byte (TTFA as the client sees it); for a unary answer almost the whole latency.
  LatencyHistogram first_byte;

  // The generator's CPU: the whole process (user+sys over the run's wall time) and its busiest io thread, in
  // percent of one core. bottleneck is set when the busiest thread exceeds 85%: the numbers then measure
  // the generator as much as the target.
  double process_cpu_percent = 0;
  double max_thread_cpu_percent = 0;
  bool generator_bottleneck = false;

  double throughput_rps() const;  // completed_in_window / window_s
  double request_rate() const;    // requests / window_s
  double error_rate() const;      // errors / requests, 0 when none
};

// The k6-like JSON summary (latencies in milliseconds). The histogram is included as "histogram" when
// `include_histogram` is set.
nlohmann::json SummaryToJson(const LoadSummary& summary, bool include_histogram);

// A human-readable table (several lines, ending in a newline), with a warning line when the generator was the
// bottleneck.
std::string FormatSummaryTable(const LoadSummary& summary);

const char* LoadModeName(LoadMode mode);

}  // namespace maestro::bench
