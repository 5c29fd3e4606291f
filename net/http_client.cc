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
  Connection(asio::any_io_executor executor, asio::ssl::context* tls) : stream(MakeStream(std::move(executor), tls)) {
    buffer.reserve(size_t{64} * 1024);
  }
  ConnectionStream stream;
  beast::flat_buffer buffer;
};

}  // namespace

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
  std::deque<std::function<void(std::unique_ptr<Connection>, bool)>> waiters;

  // Hands `take` an idle connection, or a null one with a reserved slot, now or when one frees up.
  void Acquire(std::function<void(std::unique_ptr<Connection>, bool)> take) {
    std::unique_lock lock(mutex);
    if (!idle.empty()) {
      auto connection = std::move(idle.back());
      idle.pop_back();
      lock.unlock();
      take(std::move(connection), true);
      return;
    }
    if (open < options.max_connections) {
      ++open;
      lock.unlock();
      take(nullptr, true);
      return;
    }
    waiters.push_back(std::move(take));
  }

  // Returns a healthy connection to the pool, or frees the slot of a broken one (null).
  void Release(std::unique_ptr<Connection> connection) {
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
    waiter(std::move(connection), true);
  }

  asio::awaitable<void> Run(std::unique_ptr<Connection> connection, HttpRequest request, Deadline deadline,
                            BodySink on_body, std::function<void(Result<HttpResponse>)> done);
  // Reads a 2xx body piece by piece into `on_body`. RETURNS the error that ended it (none when it ended whole
  // or `on_body` refused a piece, which sets `stopped`).
  asio::awaitable<boost::system::error_code> Stream(Connection& connection, const Deadline& deadline,
                                                    http::response_parser<StringBody>& parser, const BodySink& on_body,
                                                    bool& stopped);
  Status Failure(const boost::system::error_code& ec) const;
  // Connects `connection` (and shakes hands when TLS is on). RETURNS ok, or the failure to report.
  asio::awaitable<Status> Open(Connection& connection, const Deadline& deadline);
  void Spawn(HttpRequest request, Deadline deadline, BodySink on_body, std::function<void(Result<HttpResponse>)> done);
};

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

asio::awaitable<void> HttpClient::Impl::Run(std::unique_ptr<Connection> connection, HttpRequest request,
                                            Deadline deadline, BodySink on_body,
                                            std::function<void(Result<HttpResponse>)> done) {
  auto self = shared_from_this();
  auto executor = co_await asio::this_coro::executor;
  boost::system::error_code ec;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = connection != nullptr;
    if (deadline.expired()) {
      Release(std::move(connection));
      done(DeadlineExceeded("deadline passed before the request was sent"));
      co_return;
    }
    if (!connection) {
      connection = std::make_unique<Connection>(executor, options.tls.get());
      if (Status opened = co_await Open(*connection, deadline); !opened.ok()) {
        Release(nullptr);
        done(std::move(opened));
        co_return;
      }
    }
    if (deadline.never()) {
      connection->stream.expires_never();
    } else {
      connection->stream.expires_at(deadline.at());
    }
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
          Release(!stopped && head.keep_alive() ? std::move(connection) : nullptr);
          done(std::move(head));
        } else {
          Release(nullptr);
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
      Release(keep ? std::move(connection) : nullptr);
      done(std::move(response));
      co_return;
    }
    // A pooled connection the server already closed fails at once; that is not the server's answer.
    const bool stale =
        reused && (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
                   ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated);
    connection.reset();
    if (stale && attempt == 0) continue;
    Release(nullptr);
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
    for (auto& waiter : impl_->waiters) waiter(nullptr, false);
    impl_->waiters.clear();
  }
  impl_->work.reset();
  impl_->io.stop();
  for (auto& thread : impl_->threads) thread.join();
}

void HttpClient::Impl::Spawn(HttpRequest request, Deadline deadline, BodySink on_body,
                             std::function<void(Result<HttpResponse>)> done) {
  request.set(http::field::host, host + ":" + std::to_string(endpoint.port()));
  request.prepare_payload();
  Acquire([impl = shared_from_this(), request = std::move(request), deadline, on_body = std::move(on_body),
           done = std::move(done)](std::unique_ptr<Connection> connection, bool granted) mutable {
    if (!granted) return done(Unavailable("client shut down"));
    auto executor = connection ? connection->stream.get_executor() : asio::make_strand(impl->io);
    asio::co_spawn(executor,
                   impl->Run(std::move(connection), std::move(request), deadline, std::move(on_body), std::move(done)),
                   asio::detached);
  });
}

void HttpClient::Send(HttpRequest request, Deadline deadline, std::function<void(Result<HttpResponse>)> done) {
  impl_->Spawn(std::move(request), deadline, nullptr, std::move(done));
}

void HttpClient::SendStreaming(HttpRequest request, Deadline deadline, BodySink on_body,
                               std::function<void(Result<HttpResponse>)> done) {
  impl_->Spawn(std::move(request), deadline, std::move(on_body), std::move(done));
}

Result<HttpResponse> HttpClient::SendBlocking(HttpRequest request, Deadline deadline) {
  std::promise<Result<HttpResponse>> promise;
  auto future = promise.get_future();
  Send(std::move(request), deadline, [&promise](Result<HttpResponse> result) { promise.set_value(std::move(result)); });
  return future.get();
}

}  // namespace maestro::net
