// LoadConfig: what one load run sends, how (closed or open loop), for how long, and how responses are judged.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace maestro::bench {

enum class LoadMode {
  kClosed,  // k6 constant-vus: each virtual user sends, awaits the response, thinks, repeats
  kOpen,    // constant arrival rate; latency from each request's intended start (wrk2)
};

struct LoadConfig {
  // Target: http[s]://host[:port]/path (HTTP/1.1, keep-alive). https verifies the server against `tls_ca` (the
  // system's roots when empty) and that its certificate names the host; each connection's handshake happens
  // once, before its first request, and counts in that request's latency.
  std::string url;
  std::string tls_ca;
  std::string method = "POST";
  std::vector<std::pair<std::string, std::string>> headers;
  // The body bytes. With `content_type` empty and a non-empty body, they go as the multipart/form-data field
  // `multipart_field` with file name `body_file_name`; otherwise they are sent raw with `content_type`.
  std::string body;
  std::string body_file_name = "body.bin";
  std::string multipart_field = "file";
  std::string content_type;

  LoadMode mode = LoadMode::kClosed;
  int vus = 1;                             // closed loop: virtual users, one keep-alive connection each
  std::chrono::nanoseconds think_time{0};  // closed loop: pause after each response
  double rate = 0;                         // open loop: requests per second
  int max_outstanding = 1000;              // open loop: requests sent and not answered; more are dropped
  int connections = 0;                     // open loop: connection pool size; 0 = max_outstanding
  std::chrono::nanoseconds late_threshold = std::chrono::milliseconds(1);  // open loop: a send this late is late

  std::chrono::nanoseconds duration = std::chrono::seconds(10);  // the measured window
  std::chrono::nanoseconds warmup = std::chrono::seconds(2);     // before the window; results discarded
  std::chrono::nanoseconds timeout = std::chrono::seconds(6);    // per request, from its send
  int threads = 1;                                               // io_context threads

  // Response validation (wrong_body errors). Empty / 0 = not checked. The content type matches by prefix, so
  // "audio/wav" accepts "audio/wav; codecs=1".
  std::string expect_content_type;
  uint64_t expect_min_body_bytes = 0;
  uint64_t max_response_body_bytes = uint64_t{256} << 20;
};

// RETURNS Ok, or InvalidArgument naming the first field out of its limits.
Status ValidateLoadConfig(const LoadConfig& config);

}  // namespace maestro::bench

namespace maestro::bench {

// Parses a duration such as "10s", "250ms", "1.5s", "2m", "1h", "500us"; a bare number means seconds.
// RETURNS InvalidArgument for anything else or a negative value.
Result<std::chrono::nanoseconds> ParseDuration(const std::string& text);

}  // namespace maestro::bench
