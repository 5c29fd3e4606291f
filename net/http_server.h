// HttpServer: a keep-alive HTTP/1.1 server on Boost.Beast with C++20 coroutines. Each connection is a
// coroutine, not a thread, so thousands of slow requests cost memory, not threads. Handlers answer
// asynchronously: they may hand the request to engines and respond later from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>

#include "common/status.h"
#include "net/connection_takeover.h"
#include "net/http_types.h"

namespace maestro::net {

// Sends the response for one request. Call it exactly once, from any thread.
using Respond = std::function<void(HttpResponse)>;
// Handles one parsed request. Must not block; must eventually call `respond` exactly once.
using HttpHandler = std::function<void(HttpRequest&& request, Respond respond)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                // 0 picks a free port
  int threads = 0;                  // event-loop threads; 0 picks the number of cores
  size_t body_limit = 32u << 20;    // larger bodies get 413 before the handler sees them
  size_t header_limit = 16u << 10;  // larger headers get 431
  // Slow clients (slowloris): a request's header must arrive whole within read_timeout of the previous answer
  // (or of the accept); its body must bring bytes at least every body_timeout and, once body_timeout has
  // passed, average min_body_rate bytes per second (0: no rate). Either failure closes the connection.
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds body_timeout{10000};
  size_t min_body_rate = 16 * 1024;
  size_t max_connections = 20000;  // further connections are accepted and closed at once
  // Requests with a body processed at once (the default: no limit), and how many more may wait unread for a
  // slot; beyond both, 503 + Retry-After (common/admission_gate.h). A slot is held until the response is
  // written. GETs never wait.
  size_t max_inflight = std::numeric_limits<size_t>::max();
  size_t max_queued = 4096;
};

class HttpServer {
 public:
  // Binds and starts serving. Requests that `take_over` claims are served by the handler it returns (streams,
  // WebSockets); all others by `handler`. RETURNS kUnavailable when the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options, HttpHandler handler,
                                                   TakeOverRoute take_over = {});

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  uint16_t port() const;
  // Stops accepting, waits up to `grace` for requests in flight, then closes every connection.
  // THREAD-SAFETY: safe from any thread except the server's own; idempotent.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

  struct Impl;

 private:
  explicit HttpServer(std::shared_ptr<Impl> impl);
  // Shared with every pending Respond, so a late answer never touches a destroyed event loop.
  std::shared_ptr<Impl> impl_;
};

}  // namespace maestro::net
