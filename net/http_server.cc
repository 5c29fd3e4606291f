#include "net/http_server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/admission_gate.h"
#include "net/server_loop.h"
#include "net/tls_context.h"

namespace maestro::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct HttpServer::Impl : ConnectionContext, std::enable_shared_from_this<HttpServer::Impl> {
  HttpServerOptions options;
  HttpHandler handler;
  TakeOverRoute take_over;
  // Set when serving HTTPS. Before the loops: the connections they hold refer to it.
  std::unique_ptr<asio::ssl::context> tls_context;
  // One event loop per thread, each connection pinned to one: a request's read, handler continuation and
  // write stay on one thread, so no hop between cores (measured: ~10 us less per round trip than a shared loop).
  std::vector<std::unique_ptr<asio::io_context>> loops;
  // Each loop as the code running on it sees it (net/server_loop.h); after the loops, as they refer to them.
  std::vector<std::unique_ptr<ServerLoop>> server_loops;
  std::mutex loops_mutex;
  bool loops_stopped = false;  // set by Shutdown under loops_mutex once no loop runs any more
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  size_t next_loop = 0;
  std::unique_ptr<tcp::acceptor> acceptor;
  uint16_t port = 0;
  std::vector<std::thread> threads;
  // After the loops: its waiters post to them when destroyed, so it must go first.
  std::unique_ptr<AdmissionGate> gate;
  std::atomic<size_t> connections{0};
  std::atomic<size_t> requests_in_flight{0};
  std::atomic<bool> stopping{false};
  std::mutex shutdown_mutex;
  bool shut_down = false;

  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(ConnectionStream stream);
  // What a taken-over route holds: the server only weakly. A route's coroutine suspended when the loops stop is
  // owned by an operation of those loops; holding the server strongly as well would make a cycle (server -> loop
  // -> operation -> coroutine -> server) that nothing destroys.
  std::shared_ptr<ConnectionContext> RouteContext();

  void Post(const asio::any_io_executor& executor, std::function<void()> work) override {
    std::unique_lock lock(loops_mutex);
    if (loops_stopped) {
      lock.unlock();
      return;  // `work` is destroyed here, outside the lock
    }
    asio::post(executor, std::move(work));
  }
  bool shutting_down() const override { return stopping.load(); }
  // Reads the rest of a request's body under the slow-body rules (HttpServerOptions); sets `ec` on failure.
  asio::awaitable<void> ReadBody(ConnectionStream& stream, beast::flat_buffer& buffer,
                                 http::request_parser<StringBody>& parser, boost::system::error_code& ec);
};

namespace {

// A suspended connection coroutine waiting for its answer. Members are destroyed in reverse order, so the
// completion (whose destruction posts the coroutine's unwinding to its event loop) goes before `keep_alive`,
// the server that owns that event loop.
template <typename Completion>
struct PendingAnswer {
  PendingAnswer(std::shared_ptr<HttpServer::Impl> server, Completion done)
      : keep_alive(std::move(server)), completion(std::move(done)) {}
  std::shared_ptr<HttpServer::Impl> keep_alive;
  Completion completion;
  std::atomic<bool> answered{false};
};

// Waits for the handler's asynchronous answer without blocking the event loop: the coroutine suspends until
// `respond` is called, then resumes on its own executor.
template <typename Token>
auto AsyncHandle(const HttpHandler& handler, std::shared_ptr<HttpServer::Impl> keep_alive, HttpRequest request,
                 Token&& token) {
  return asio::async_initiate<Token, void(HttpResponse)>(
      // keep_alive moves on into the pending answer: left in this initiation object, which the suspended
      // coroutine's frame holds, it would make the frame own the server that owns the frame.
      [&handler, keep_alive = std::move(keep_alive)](auto completion, HttpRequest request) mutable {
        using Pending = PendingAnswer<decltype(completion)>;
        auto pending = std::make_shared<Pending>(std::move(keep_alive), std::move(completion));
        handler(std::move(request), [pending](HttpResponse response) mutable {
          if (pending->answered.exchange(true)) return;  // a handler bug must not resume the coroutine twice
          // An answer that arrives after Shutdown is dropped: its event loop is gone, and queueing it there would
          // make the loop own the server that owns the loop.
          std::lock_guard lock(pending->keep_alive->loops_mutex);
          if (pending->keep_alive->loops_stopped) return;
          auto executor = asio::get_associated_executor(pending->completion);
          asio::post(executor, [pending, response = std::move(response)]() mutable {
            std::move(pending->completion)(std::move(response));
          });
        });
      },
      token, std::move(request));
}

// Waits for an admission slot without blocking the event loop. Completes with false when the queue is full.
template <typename Token>
auto AsyncAdmit(AdmissionGate& gate, Token&& token) {
  return asio::async_initiate<Token, void(bool)>(
      [&gate](auto completion) {
        auto shared = std::make_shared<decltype(completion)>(std::move(completion));
        auto executor = asio::get_associated_executor(*shared);
        gate.Acquire([shared, executor](bool admitted) {
          asio::post(executor, [shared, admitted]() mutable { (*shared)(admitted); });
        });
      },
      token);
}

HttpResponse PlainError(http::status status, const std::string& message, unsigned version) {
  StatusCode code =
      status == http::status::payload_too_large ? StatusCode::kPayloadTooLarge : StatusCode::kInvalidArgument;
  HttpResponse response = ErrorResponse(Status(code, message), version, false);
  response.result(status);
  return response;
}

}  // namespace

namespace {

// Forwards to the server while it exists; once it is gone, work is destroyed unrun and the server reads as
// shutting down.
class WeakConnectionContext final : public ConnectionContext {
 public:
  explicit WeakConnectionContext(std::weak_ptr<ConnectionContext> server) : server_(std::move(server)) {}
  void Post(const asio::any_io_executor& executor, std::function<void()> work) override {
    if (auto server = server_.lock()) server->Post(executor, std::move(work));
  }
  bool shutting_down() const override {
    auto server = server_.lock();
    return !server || server->shutting_down();
  }

 private:
  std::weak_ptr<ConnectionContext> server_;
};

}  // namespace

std::shared_ptr<ConnectionContext> HttpServer::Impl::RouteContext() {
  return std::make_shared<WeakConnectionContext>(std::weak_ptr<ConnectionContext>(shared_from_this()));
}

asio::awaitable<void> HttpServer::Impl::Accept() {
  for (;;) {
    boost::system::error_code ec;
    auto& loop = *loops[next_loop++ % loops.size()];
    tcp::socket socket = co_await acceptor->async_accept(loop, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    if (connections.load() >= options.max_connections) {
      socket.close(ec);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto executor = socket.get_executor();
    beast::tcp_stream plain(std::move(socket));
    ConnectionStream stream = tls_context
                                  ? ConnectionStream(ConnectionStream::TlsStream(std::move(plain), *tls_context))
                                  : ConnectionStream(std::move(plain));
    asio::co_spawn(executor, Serve(std::move(stream)), asio::detached);
  }
}

asio::awaitable<void> HttpServer::Impl::ReadBody(ConnectionStream& stream, beast::flat_buffer& buffer,
                                                 http::request_parser<StringBody>& parser,
                                                 boost::system::error_code& ec) {
  // Slow bodies: each read must bring bytes within body_timeout, and once body_timeout has passed the body
  // must have averaged min_body_rate, so a trickle cannot hold a slot however large the body it declares.
  const auto started = std::chrono::steady_clock::now();
  uint64_t received = 0;
  while (!ec && !parser.is_done()) {
    stream.expires_after(options.body_timeout);
    received += co_await http::async_read_some(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!ec && options.min_body_rate > 0 && seconds * 1000 > static_cast<double>(options.body_timeout.count()) &&
        static_cast<double>(received) < seconds * static_cast<double>(options.min_body_rate)) {
      ec = beast::error::timeout;
    }
  }
}

asio::awaitable<void> HttpServer::Impl::Serve(ConnectionStream stream) {
  connections++;
  // The buffer grows only for requests with large bodies and shrinks back after them: 1000 idle keep-alive
  // connections must not hold 64 KB each.
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  // A TLS handshake spends the first request's header time, so a client that stalls it is cut like a slow header.
  std::optional<std::chrono::steady_clock::time_point> first_header_by;
  if (stream.is_tls()) {
    first_header_by = std::chrono::steady_clock::now() + options.read_timeout;
    stream.expires_at(*first_header_by);
    co_await stream.tls().async_handshake(asio::ssl::stream_base::server,
                                          asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      stream.socket().close(ec);
      connections--;
      co_return;
    }
  }
  while (!stopping) {
    http::request_parser<StringBody> parser;
    parser.body_limit(options.body_limit);
    parser.header_limit(static_cast<uint32_t>(options.header_limit));
    if (first_header_by) {
      stream.expires_at(*first_header_by);
      first_header_by.reset();
    } else {
      stream.expires_after(options.read_timeout);
    }
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    bool admitted = false;
    // Only this server may say how long a request waited; a client's value would stretch its own budget.
    if (!ec) parser.get().erase(kQueuedHeader);
    if (!ec && parser.get().method() != http::verb::get) {
      const auto arrived = std::chrono::steady_clock::now();
      admitted = co_await AsyncAdmit(*gate, asio::use_awaitable);
      const auto waited =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - arrived);
      if (admitted && waited.count() > 0) parser.get().set(kQueuedHeader, std::to_string(waited.count()));
      if (!admitted) {
        HttpResponse busy = ErrorResponse(Status(StatusCode::kOverloaded, "too many requests in flight"), 11, false);
        stream.expires_after(std::chrono::seconds(5));
        co_await http::async_write(stream, busy, asio::redirect_error(asio::use_awaitable, ec));
        break;
      }
    }
    if (!ec && admitted && beast::iequals(parser.get()[http::field::expect], "100-continue")) {
      // curl waits a second for this before sending a body above 1 KB.
      http::response<http::empty_body> go_on{http::status::continue_, 11};
      co_await http::async_write(stream, go_on, asio::redirect_error(asio::use_awaitable, ec));
    }
    if (!ec && !parser.is_done()) {
      // Without a large buffer, Beast reads big bodies 512 bytes per recv() (measured on Boost 1.74: about 9x slower
      // for 500 KB bodies).
      if (parser.content_length().value_or(0) > 16 * 1024 && buffer.capacity() < 64 * 1024) buffer.reserve(64 * 1024);
      co_await ReadBody(stream, buffer, parser, ec);
    }
    if (ec) {
      if (admitted) gate->Release();
      std::optional<HttpResponse> reply;
      if (ec == http::error::body_limit) {
        reply = PlainError(http::status::payload_too_large,
                           "request body above " + std::to_string(options.body_limit) + " bytes", 11);
      } else if (ec == http::error::header_limit) {
        reply = PlainError(http::status::request_header_fields_too_large, "request header too large", 11);
      } else if (ec != http::error::end_of_stream && ec != beast::error::timeout && ec != asio::error::eof &&
                 ec != asio::error::connection_reset && ec != asio::error::operation_aborted) {
        reply = PlainError(http::status::bad_request, "malformed HTTP request: " + ec.message(), 11);
      }
      if (reply) {
        stream.expires_after(std::chrono::seconds(5));
        co_await http::async_write(stream, *reply, asio::redirect_error(asio::use_awaitable, ec));
      }
      break;
    }
    HttpRequest request = parser.release();
    if (TakeOverHandler owner = take_over ? take_over(request) : TakeOverHandler{}) {
      stream.expires_never();
      requests_in_flight++;
      co_await owner(std::move(request), std::move(stream), RouteContext());
      requests_in_flight--;
      if (admitted) gate->Release();
      connections--;
      co_return;
    }
    const bool keep_alive = request.keep_alive();
    const unsigned version = request.version();
    stream.expires_never();
    requests_in_flight++;
    HttpResponse response = co_await AsyncHandle(handler, shared_from_this(), std::move(request), asio::use_awaitable);
    requests_in_flight--;
    response.version(version);
    response.keep_alive(keep_alive && !stopping);
    response.prepare_payload();
    stream.expires_after(std::chrono::seconds(30));
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    if (admitted) gate->Release();
    if (buffer.size() == 0) buffer.shrink_to_fit();
    if (ec || !response.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  connections--;
}

HttpServer::HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  Shutdown(std::chrono::milliseconds(0));
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options, HttpHandler handler,
                                                      TakeOverRoute take_over) {
  auto impl = std::make_shared<Impl>();
  impl->options = options;
  impl->handler = std::move(handler);
  impl->take_over = std::move(take_over);
  impl->gate = std::make_unique<AdmissionGate>(options.max_inflight, options.max_queued);
  if (options.tls.enabled()) {
    auto context = MakeTlsContext(options.tls, tls::TlsRole::kServer);
    if (!context.ok()) return context.status();
    impl->tls_context = std::move(context).value();
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.host == "localhost" ? "127.0.0.1" : options.host, ec);
  if (ec) return Status(StatusCode::kInvalidArgument, "bad listen host '" + options.host + "'");
  tcp::endpoint endpoint(address, options.port);
  const int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) {
    impl->loops.push_back(std::make_unique<asio::io_context>(1));
    impl->server_loops.push_back(std::make_unique<ServerLoop>(*impl->loops.back()));
    impl->keep_running.push_back(asio::make_work_guard(*impl->loops.back()));
  }
  impl->acceptor = std::make_unique<tcp::acceptor>(*impl->loops.front());
  impl->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(endpoint, ec);
  if (!ec) impl->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(StatusCode::kUnavailable,
                  "cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " + ec.message());
  }
  impl->port = impl->acceptor->local_endpoint(ec).port();
  Impl* raw = impl.get();
  asio::co_spawn(*impl->loops.front(), raw->Accept(), asio::detached);
  for (size_t i = 0; i < raw->loops.size(); ++i) {
    raw->threads.emplace_back([loop = raw->loops[i].get(), server_loop = raw->server_loops[i].get()] {
      SetCurrentServerLoop(server_loop);
      loop->run();
    });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const {
  return impl_->port;
}

void HttpServer::Shutdown(std::chrono::milliseconds grace) {
  std::lock_guard lock(impl_->shutdown_mutex);
  if (impl_->shut_down) return;
  impl_->shut_down = true;
  impl_->stopping = true;
  asio::post(*impl_->loops.front(), [impl = impl_.get()] {
    boost::system::error_code ec;
    impl->acceptor->close(ec);
  });
  auto until = std::chrono::steady_clock::now() + grace;
  while (impl_->requests_in_flight.load() > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& loop : impl_->loops) loop->stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  for (auto& server_loop : impl_->server_loops) server_loop->RunStopHooks();
  // The close posted above may not have run before the loops stopped; with no loop thread left, close here, so
  // that the port refuses connections from now on instead of queueing them unanswered.
  boost::system::error_code ec;
  impl_->acceptor->close(ec);
  std::lock_guard loops_lock(impl_->loops_mutex);
  impl_->loops_stopped = true;
}

}  // namespace maestro::net
