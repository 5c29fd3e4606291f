// HttpServer: a keep-alive HTTP/1.1 server on Boost.Beast with C++20 coroutines. Each connection is a
// coroutine, not a thread, so thousands of slow requests cost memory, not threads. Handlers answer
// asynchronously: they may hand the request to engines and respond later from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "net/connection_takeover.h"
#include "net/http_server_options.h"
#include "net/http_types.h"

namespace maestro::net {

// Sends the response for one request. Call it exactly once, from any thread.
using Respond = std::function<void(HttpResponse)>;
// Handles one parsed request. Must not block; must eventually call `respond` exactly once.
using HttpHandler = std::function<void(HttpRequest&& request, Respond respond)>;

class HttpServer {
 public:
  // Binds and starts serving. Requests that `take_over` claims are served by the handler it returns (streams,
  // WebSockets); all others by `handler`. RETURNS kUnavailable when the address cannot be bound,
  // kInvalidArgument when options.tls names missing, unreadable or mismatched files.
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
