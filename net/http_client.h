// HttpClient: an asynchronous HTTP/1.1 client for one host:port with a bounded pool of keep-alive
// connections. Calls beyond the pool size wait for a free connection; no call opens a connection of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/deadline.h"
#include "common/status.h"
#include "net/http_types.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace maestro::net {

class ServerLoop;

struct HttpClientOptions {
  int max_connections = 64;
  size_t body_limit = 64u << 20;  // larger responses fail with kPayloadTooLarge
  int threads = 1;                // event-loop threads owned by this client
  // HTTPS when set (a client context from net/tls_context.h, shareable between clients): each connection
  // verifies the server's certificate and that it names `host`, and presents the client certificate if the
  // context has one. Null: plaintext.
  std::shared_ptr<boost::asio::ssl::context> tls;
  // Calls made on an HttpServer's loop thread (net/server_loop.h) run on that thread, over a connection bound to
  // it, instead of on the client's own: no thread is woken to make the call or to take its answer. (With no idle
  // connection on that loop but one on another, that one is used, on its loop.)
  // REQUIRES then: the client is destroyed only after those loops have stopped, or with no call in flight on them.
  bool run_on_caller_loop = false;
};

class HttpClient {
 public:
  // REQUIRES: `host` is an IP address or "localhost". Connections are opened lazily.
  HttpClient(std::string host, uint16_t port, HttpClientOptions options = {});
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  // Fails pending calls with kUnavailable and joins the event loop.
  ~HttpClient();

  // Sends `request` (Host and Content-Length are filled in) and reports the response, whatever its status.
  // RETURNS through `done`, exactly once, on the client's thread (or the caller's server loop, with
  // run_on_caller_loop): the response, or kUnavailable when the server
  // cannot be reached or its TLS handshake fails (a certificate not trusted, not naming `host`, or a client
  // certificate refused), kDeadlineExceeded when `deadline` passes first, kPayloadTooLarge for an oversized reply.
  // A stale keep-alive connection is retried once on a fresh one.
  // THREAD-SAFETY: safe to call concurrently.
  void Send(HttpRequest request, Deadline deadline, std::function<void(Result<HttpResponse>)> done);

  // Receives a streamed response: `head` is the response's status and headers (its body empty), `data` the next
  // bytes of the body as they arrive, de-chunked. RETURNS false to stop reading; the connection is then closed.
  using BodySink = std::function<bool(const HttpResponse& head, std::string_view data)>;

  // Sends `request` like Send, but hands a 2xx response's body to `on_body` piece by piece as it arrives, and then
  // calls `done` with the head (body empty), also after `on_body` refused a piece. A response of any other
  // status is read whole and handed to `done` with its body; `on_body` is not called. Bodies count against
  // body_limit in total. With no deadline, a stream that sends nothing for kStreamIdleLimit fails with
  // kDeadlineExceeded. Errors after the first piece come through `done` like Send's.
  // THREAD-SAFETY: as Send; `on_body` runs on the client's thread, never concurrently with itself.
  void SendStreaming(HttpRequest request, Deadline deadline, BodySink on_body,
                     std::function<void(Result<HttpResponse>)> done);
  static constexpr std::chrono::seconds kStreamIdleLimit{120};

  // RETURNS how many connections the pool holds, idle or in use. THREAD-SAFETY: safe to call concurrently.
  int open_connections() const;

  // Blocking form for tools and tests. Never call it from `done`.
  Result<HttpResponse> SendBlocking(HttpRequest request, Deadline deadline);

  struct Impl;

 private:
  // RETURNS the server loop a call made now should run on, or null for the client's own.
  ServerLoop* CallerLoop() const;

  std::shared_ptr<Impl> impl_;
};

}  // namespace maestro::net
