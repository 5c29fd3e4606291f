#include "net/http_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "net/connection_stream.h"
#include "net/server_loop.h"
#include "net/tls_context.h"

namespace maestro::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

// A TLS handshake with no deadline of its own is cut after this long, so a server that never answers it cannot
// hold a pooled slot for ever.
constexpr std::chrono::seconds kHandshakeLimit{10};

ConnectionStream MakeStream(asio::any_io_executor executor, asio::ssl::context* tls) {
  beast::tcp_stream plain(std::move(executor));
  if (!tls) return ConnectionStream(std::move(plain));
  return ConnectionStream(ConnectionStream::TlsStream(std::move(plain), *tls));
}

struct Connection {
  Connection(asio::any_io_executor executor, asio::ssl::context* tls, ServerLoop* loop)
      : stream(MakeStream(std::move(executor), tls)), loop(loop) {}
  ConnectionStream stream;
  ServerLoop* loop;  // the server loop it is bound to, or null for the client's own
  // Reserved while a call uses the connection (Beast reads at most the free capacity, down to 512 bytes), freed
  // while it is idle, where it grew to 64-128 KB per connection for no use (docs/benchmarks.md).
  beast::flat_buffer buffer;
};

constexpr size_t kReadChunk = size_t{64} * 1024;

}  // namespace

// A reserved pool slot: handed back once with Return, or freed when the call's coroutine is destroyed unfinished
// (its server loop stopped for good while the call was in flight).
class SlotLease {
 public:
  explicit SlotLease(std::shared_ptr<HttpClient::Impl> impl) : impl_(std::move(impl)) {}
  SlotLease(SlotLease&& other) noexcept = default;
  SlotLease(const SlotLease&) = delete;
  SlotLease& operator=(const SlotLease&) = delete;
  SlotLease& operator=(SlotLease&&) = delete;
  ~SlotLease();
  void Return(std::unique_ptr<Connection> connection);

 private:
  std::shared_ptr<HttpClient::Impl> impl_;
};

struct HttpClient::Impl : std::enable_shared_from_this<HttpClient::Impl> {
  std::string host;
  tcp::endpoint endpoint;
  // Holds the TLS context (options.tls) before the connections and the loop that refer to it.
  HttpClientOptions options;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::vector<std::thread> threads;

  // The pool: idle connections, how many exist (idle or busy), and callers waiting for one.
  std::mutex mutex;
  std::vector<std::unique_ptr<Connection>> idle;
  int open = 0;
  // Called with a connection (or null with a reserved slot), whether one was granted, and whether on the caller's
  // thread (a waiter is served later, from the thread that released a connection).
  using Taker = std::function<void(std::unique_ptr<Connection>, bool granted, bool on_caller_thread)>;
  std::deque<Taker> waiters;
  std::vector<ServerLoop*> watched_loops;  // loops whose stop drops this client's idle connections on them

  // Hands `take` a connection for a call made on `loop` (null: not on a server loop), now or when one frees up:
  // an idle one bound to `loop`; for a caller on a server loop, else any idle one (so the pool holds no more
  // connections than calls were ever in flight at once; the call then runs on that connection's loop); else a
  // null one with a reserved slot. A caller on no server loop never gets a connection bound to one, which may be
  // stopping: at the limit, it closes one of those and takes its slot.
  void Acquire(ServerLoop* loop, Taker take) {
    std::unique_lock lock(mutex);
    auto same = std::find_if(idle.rbegin(), idle.rend(), [loop](const auto& c) { return c->loop == loop; });
    if (same != idle.rend() || (loop && !idle.empty())) {
      auto chosen = same != idle.rend() ? std::next(same).base() : std::prev(idle.end());
      auto connection = std::move(*chosen);
      idle.erase(chosen);
      lock.unlock();
      take(std::move(connection), true, true);
      return;
    }
    if (open >= options.max_connections && !idle.empty()) {
      // Under the lock: a loop's stop hook needs it too, so the loop cannot be gone before the close is posted.
      std::shared_ptr<Connection> other = std::move(idle.back());
      idle.pop_back();
      auto executor = other->stream.get_executor();
      asio::post(executor, [other = std::move(other)] {});
      --open;
    }
    if (open < options.max_connections) {
      ++open;
      if (loop) WatchLocked(*loop);
      lock.unlock();
      take(nullptr, true, true);
      return;
    }
    waiters.push_back(std::move(take));
  }

  // REQUIRES: `mutex` held.
  void WatchLocked(ServerLoop& loop) {
    if (std::find(watched_loops.begin(), watched_loops.end(), &loop) != watched_loops.end()) return;
    watched_loops.push_back(&loop);
    loop.OnStop([weak = weak_from_this(), &loop] {
      if (auto impl = weak.lock()) impl->DropLoop(loop);
    });
  }

  // The loop has stopped for good: its idle connections are closed while it still exists.
  void DropLoop(ServerLoop& loop) {
    std::vector<std::unique_ptr<Connection>> dropped;  // closed after the lock is released
    std::lock_guard lock(mutex);
    for (auto it = idle.begin(); it != idle.end();) {
      if ((*it)->loop == &loop) {
        dropped.push_back(std::move(*it));
        it = idle.erase(it);
        --open;
      } else {
        ++it;
      }
    }
    std::erase(watched_loops, &loop);
  }

  // Returns a healthy connection to the pool, or frees the slot of a broken one (null).
  void Release(std::unique_ptr<Connection> connection) {
    if (connection && connection->buffer.size() == 0) connection->buffer.shrink_to_fit();
    std::unique_lock lock(mutex);
    if (!connection) --open;
    if (waiters.empty()) {
      if (connection) idle.push_back(std::move(connection));
      return;
    }
    auto waiter = std::move(waiters.front());
    waiters.pop_front();
    if (!connection) ++open;
    lock.unlock();
    waiter(std::move(connection), true, false);
  }

  // Makes the call on `connection`, or on a new one bound to `loop` (null: the client's own loop).
  asio::awaitable<void> Run(SlotLease lease, std::unique_ptr<Connection> connection, ServerLoop* loop,
                            HttpRequest request, Deadline deadline, BodySink on_body,
                            std::function<void(Result<HttpResponse>)> done);
  // Reads a 2xx body piece by piece into `on_body`. RETURNS the error that ended it (none when it ended whole
  // or `on_body` refused a piece, which sets `stopped`).
  asio::awaitable<boost::system::error_code> Stream(Connection& connection, const Deadline& deadline,
                                                    http::response_parser<StringBody>& parser, const BodySink& on_body,
                                                    bool& stopped);
  Status Failure(const boost::system::error_code& ec) const;
  // Connects `connection` (and shakes hands when TLS is on). RETURNS ok, or the failure to report.
  asio::awaitable<Status> Open(Connection& connection, const Deadline& deadline);
  // Starts the call on `loop` (null: the client's own loop).
  void Spawn(ServerLoop* loop, HttpRequest request, Deadline deadline, BodySink on_body,
             std::function<void(Result<HttpResponse>)> done);
};

SlotLease::~SlotLease() {
  if (impl_) impl_->Release(nullptr);
}

void SlotLease::Return(std::unique_ptr<Connection> connection) {
  auto impl = std::move(impl_);
  impl->Release(std::move(connection));
}

Status HttpClient::Impl::Failure(const boost::system::error_code& ec) const {
  if (ec == beast::error::timeout) {
    return DeadlineExceeded("no answer from " + host + ":" + std::to_string(endpoint.port()) + " before the deadline");
  }
  if (ec == http::error::body_limit) {
    return Status(StatusCode::kPayloadTooLarge, "response above " + std::to_string(options.body_limit) + " bytes");
  }
  return Unavailable("exchange with " + host + ":" + std::to_string(endpoint.port()) + " failed: " + ec.message());
}

asio::awaitable<boost::system::error_code> HttpClient::Impl::Stream(Connection& connection, const Deadline& deadline,
                                                                    http::response_parser<StringBody>& parser,
                                                                    const BodySink& on_body, bool& stopped) {
  boost::system::error_code ec;
  while (!parser.is_done()) {
    auto idle_limit = Deadline::Clock::now() + kStreamIdleLimit;
    connection.stream.expires_at(deadline.never() ? idle_limit : std::min(deadline.at(), idle_limit));
    co_await http::async_read_some(connection.stream, connection.buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    std::string data = std::move(parser.get().body());
    parser.get().body().clear();
    if (!data.empty() && !on_body(parser.get(), data)) {
      stopped = true;
      co_return ec;
    }
  }
  co_return ec;
}

asio::awaitable<void> HttpClient::Impl::Run(SlotLease lease, std::unique_ptr<Connection> connection, ServerLoop* loop,
                                            HttpRequest request, Deadline deadline, BodySink on_body,
                                            std::function<void(Result<HttpResponse>)> done) {
  auto self = shared_from_this();
  auto executor = co_await asio::this_coro::executor;
  boost::system::error_code ec;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = connection != nullptr;
    if (deadline.expired()) {
      lease.Return(std::move(connection));
      done(DeadlineExceeded("deadline passed before the request was sent"));
      co_return;
    }
    if (!connection) {
      connection = std::make_unique<Connection>(executor, options.tls.get(), loop);
      if (Status opened = co_await Open(*connection, deadline); !opened.ok()) {
        lease.Return(nullptr);
        done(std::move(opened));
        co_return;
      }
    }
    if (deadline.never()) {
      connection->stream.expires_never();
    } else {
      connection->stream.expires_at(deadline.at());
    }
    connection->buffer.reserve(kReadChunk);
    co_await http::async_write(connection->stream, request, asio::redirect_error(asio::use_awaitable, ec));
    http::response_parser<StringBody> parser;
    parser.body_limit(options.body_limit);
    if (!ec && on_body) {
      co_await http::async_read_header(connection->stream, connection->buffer, parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
      if (!ec && parser.get().result_int() < 300) {
        bool stopped = false;
        ec = co_await Stream(*connection, deadline, parser, on_body, stopped);
        if (!ec) {
          HttpResponse head = parser.release();
          lease.Return(!stopped && head.keep_alive() ? std::move(connection) : nullptr);
          done(std::move(head));
        } else {
          lease.Return(nullptr);
          done(Failure(ec));
        }
        co_return;
      }
    }
    if (!ec) {
      co_await http::async_read(connection->stream, connection->buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
    }
    if (!ec) {
      HttpResponse response = parser.release();
      bool keep = response.keep_alive();
      lease.Return(keep ? std::move(connection) : nullptr);
      done(std::move(response));
      co_return;
    }
    // A pooled connection the server already closed fails at once; that is not the server's answer.
    const bool stale =
        reused && (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
                   ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated);
    connection.reset();
    if (stale && attempt == 0) continue;
    lease.Return(nullptr);
    done(Failure(ec));
    co_return;
  }
}

asio::awaitable<Status> HttpClient::Impl::Open(Connection& connection, const Deadline& deadline) {
  boost::system::error_code ec;
  const std::string address = host + ":" + std::to_string(endpoint.port());
  if (!deadline.never()) connection.stream.expires_at(deadline.at());
  co_await connection.stream.tcp().async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    co_return ec == beast::error::timeout ? DeadlineExceeded("connect to " + host + " timed out")
                                          : Unavailable("connect to " + address + " failed: " + ec.message());
  }
  connection.stream.socket().set_option(tcp::no_delay(true), ec);
  if (!connection.stream.is_tls()) co_return Status::Ok();
  if (Status named = PrepareClientTls(connection.stream.tls().native_handle(), host); !named.ok()) co_return named;
  const auto limit = Deadline::Clock::now() + kHandshakeLimit;
  connection.stream.expires_at(deadline.never() ? limit : std::min(deadline.at(), limit));
  co_await connection.stream.tls().async_handshake(asio::ssl::stream_base::client,
                                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec == beast::error::timeout) co_return DeadlineExceeded("TLS handshake with " + address + " timed out");
  if (ec) co_return Unavailable("TLS handshake with " + address + " failed: " + ec.message());
  co_return Status::Ok();
}

HttpClient::HttpClient(std::string host, uint16_t port, HttpClientOptions options) : impl_(std::make_shared<Impl>()) {
  impl_->host = host;
  impl_->options = options;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) address = asio::ip::make_address("127.0.0.1");
  impl_->endpoint = tcp::endpoint(address, port);
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    impl_->threads.emplace_back([impl = impl_.get()] { impl->io.run(); });
  }
}

HttpClient::~HttpClient() {
  {
    std::lock_guard lock(impl_->mutex);
    for (auto& waiter : impl_->waiters) waiter(nullptr, false, false);
    impl_->waiters.clear();
  }
  impl_->work.reset();
  impl_->io.stop();
  for (auto& thread : impl_->threads) thread.join();
}

void HttpClient::Impl::Spawn(ServerLoop* loop, HttpRequest request, Deadline deadline, BodySink on_body,
                             std::function<void(Result<HttpResponse>)> done) {
  request.set(http::field::host, host + ":" + std::to_string(endpoint.port()));
  request.prepare_payload();
  Acquire(loop, [impl = shared_from_this(), loop, request = std::move(request), deadline, on_body = std::move(on_body),
                 done = std::move(done)](std::unique_ptr<Connection> connection, bool granted,
                                         bool on_caller_thread) mutable {
    if (!granted) return done(Unavailable("client shut down"));
    // A waiter is served later, maybe after its loop stopped: a new connection for it goes on the client's loop.
    ServerLoop* bound = connection ? connection->loop : (on_caller_thread ? loop : nullptr);
    asio::any_io_executor executor = connection ? connection->stream.get_executor()
                                     : bound    ? asio::any_io_executor(bound->io().get_executor())
                                                : asio::any_io_executor(asio::make_strand(impl->io));
    asio::co_spawn(executor,
                   impl->Run(SlotLease(impl), std::move(connection), bound, std::move(request), deadline,
                             std::move(on_body), std::move(done)),
                   asio::detached);
  });
}

int HttpClient::open_connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->open;
}

ServerLoop* HttpClient::CallerLoop() const {
  return impl_->options.run_on_caller_loop ? CurrentServerLoop() : nullptr;
}

void HttpClient::Send(HttpRequest request, Deadline deadline, std::function<void(Result<HttpResponse>)> done) {
  impl_->Spawn(CallerLoop(), std::move(request), deadline, nullptr, std::move(done));
}

void HttpClient::SendStreaming(HttpRequest request, Deadline deadline, BodySink on_body,
                               std::function<void(Result<HttpResponse>)> done) {
  impl_->Spawn(CallerLoop(), std::move(request), deadline, std::move(on_body), std::move(done));
}

Result<HttpResponse> HttpClient::SendBlocking(HttpRequest request, Deadline deadline) {
  std::promise<Result<HttpResponse>> promise;
  auto future = promise.get_future();
  // On the client's own loop even from a server loop's thread, which the wait below would otherwise block.
  impl_->Spawn(nullptr, std::move(request), deadline, nullptr,
               [&promise](Result<HttpResponse> result) { promise.set_value(std::move(result)); });
  return future.get();
}

}  // namespace maestro::net
