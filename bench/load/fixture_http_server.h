// FixtureHttpServer: a small HTTP/1.1 keep-alive server with a known behaviour, the endpoint the load generator is
// tested and compared with wrk against. Service time is a timer (no thread sleeps), so one io thread serves any
// number of concurrent slow requests; a one-off stall freezes every response for a while, like a GC pause.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace maestro::bench {

struct FixtureServerOptions {
  std::chrono::nanoseconds service_time{0};  // from a request's arrival to its response
  int status = 200;
  std::string content_type = "text/plain";
  std::string body = "ok";
  // Once, when the first request at least stall_after past the server's start arrives, no response goes out until
  // stall_duration has passed; requests arriving meanwhile wait for the stall's end too. 0 = never.
  std::chrono::nanoseconds stall_after{0};
  std::chrono::nanoseconds stall_duration{0};
  bool keep_alive = true;  // false: every response says Connection: close and the server closes
  int threads = 1;
  uint64_t max_request_body_bytes = uint64_t{64} << 20;
};

class FixtureHttpServer {
 public:
  virtual ~FixtureHttpServer() = default;
  // RETURNS the bound loopback port.
  virtual uint16_t port() const = 0;
  // RETURNS the number of complete requests received so far. Thread-safe.
  virtual uint64_t requests() const = 0;
  // RETURNS the number of connections accepted so far. Thread-safe.
  virtual uint64_t connections() const = 0;
  // Stops accepting, closes every connection and joins the io threads. Idempotent.
  virtual void Stop() = 0;
};

// Starts a server on 127.0.0.1:`port` (0 = any free port) with its own io threads.
// RETURNS the running server, or Unavailable when the port cannot be bound, InvalidArgument for bad options.
Result<std::unique_ptr<FixtureHttpServer>> StartFixtureHttpServer(const FixtureServerOptions& options,
                                                                  uint16_t port = 0);

}  // namespace maestro::bench
