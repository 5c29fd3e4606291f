// ServerLoop: one of HttpServer's event loops, as the code running on it sees it. Work a request starts on its
// loop's thread, such as the call to the next service, can stay on that thread instead of waking another: an
// HttpClient makes such calls over connections bound to the caller's loop (Envoy's per-worker connection pools).
// Measured on /assist over REST: 3.65 → 1.6 context switches in Maestro per request (docs/benchmarks.md).
#pragma once

#include <functional>
#include <mutex>
#include <vector>

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace maestro::net {

class ServerLoop {
 public:
  // REQUIRES: `io` outlives this object, and is run by one thread only.
  explicit ServerLoop(boost::asio::io_context& io) : io_(io) {}
  ServerLoop(const ServerLoop&) = delete;
  ServerLoop& operator=(const ServerLoop&) = delete;

  boost::asio::io_context& io() const { return io_; }

  // Registers `hook` to run once when the loop has stopped for good, while its io_context still exists: objects
  // bound to the loop (a client's idle connections) must go then. Runs `hook` at once if that has happened.
  // THREAD-SAFETY: safe to call concurrently with itself and with RunStopHooks.
  void OnStop(std::function<void()> hook);

  // Runs the hooks, once. REQUIRES: the loop's thread has ended. Called by the server that owns the loop.
  void RunStopHooks();

 private:
  boost::asio::io_context& io_;
  std::mutex mutex_;
  bool stopped_ = false;
  std::vector<std::function<void()>> hooks_;
};

// RETURNS the ServerLoop the calling thread runs, or null when it runs none.
ServerLoop* CurrentServerLoop();

// Marks the calling thread as the one that runs `loop`. Called by HttpServer's loop threads before they run it.
void SetCurrentServerLoop(ServerLoop* loop);

}  // namespace maestro::net
