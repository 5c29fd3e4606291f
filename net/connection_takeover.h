// Connection takeover: a route whose handler owns the connection instead of returning one response. Streamed
// responses (a chunked body written as the answer is produced) and WebSocket sessions use it. The handler is a
// coroutine on the connection's event loop, so a streaming connection costs no thread either.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <utility>  // Boost 1.74's asio/awaitable.hpp uses std::exchange without including it

#include "net/connection_stream.h"
#include "net/http_types.h"

namespace maestro::net {

// The server's side of a taken-over connection: it keeps the event loops alive and posts work to them.
class ConnectionContext {
 public:
  virtual ~ConnectionContext() = default;
  // Runs `work` on `executor` (the connection's loop) unless the server has shut down, in which case `work` is
  // destroyed unrun. THREAD-SAFETY: safe from any thread, engines' threads included.
  virtual void Post(const boost::asio::any_io_executor& executor, std::function<void()> work) = 0;
  // True once Shutdown began: long-lived handlers should finish.
  virtual bool shutting_down() const = 0;
};

// Serves one request by owning its connection (plain or TLS); the connection is closed when the coroutine
// returns. The request arrived whole (headers and body) and, for POST, holds an admission slot until the
// coroutine ends.
using TakeOverHandler = std::function<boost::asio::awaitable<void>(HttpRequest request, ConnectionStream stream,
                                                                   std::shared_ptr<ConnectionContext> context)>;

// Picks a takeover handler for a request, or returns an empty one to let the ordinary handler answer it.
// Must not block. THREAD-SAFETY: called from any event-loop thread.
using TakeOverRoute = std::function<TakeOverHandler(const HttpRequest& request)>;

}  // namespace maestro::net
