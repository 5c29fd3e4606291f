#include "bench/load/fixture_http_server.h"

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>

namespace maestro::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr size_t kBufferBytes = 16 * 1024;

// Parses one request and discards its body.
class RequestSink : public beast::http::basic_parser<true> {
 public:
  explicit RequestSink(uint64_t body_limit_bytes) {
    body_limit(body_limit_bytes);
    eager(true);
  }

 private:
  void on_request_impl(beast::http::verb, beast::string_view, beast::string_view, int, beast::error_code&) override {}
  void on_response_impl(int, beast::string_view, int, beast::error_code&) override {}
  void on_field_impl(beast::http::field, beast::string_view, beast::string_view, beast::error_code&) override {}
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<uint64_t>&, beast::error_code&) override {}
  size_t on_body_impl(beast::string_view body, beast::error_code&) override { return body.size(); }
  void on_chunk_header_impl(uint64_t, beast::string_view, beast::error_code&) override {}
  size_t on_chunk_body_impl(uint64_t, beast::string_view body, beast::error_code&) override { return body.size(); }
  void on_finish_impl(beast::error_code&) override {}
};

struct SharedState {
  FixtureServerOptions options;
  std::string response_keep_alive;
  std::string response_close;
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> connections{0};
  int64_t stall_from_ns = 0;  // steady_clock nanoseconds since epoch; 0 = no stall
  std::atomic<bool> stalled{false};
  std::atomic<int64_t> stall_until_ns{0};  // steady_clock nanoseconds since epoch
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, SharedState& state)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), state_(state), buffer_(new char[kBufferBytes]) {}

  void Start() {
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    parser_.emplace(state_.options.max_request_body_bytes);
    Read();
  }

 private:
  void Read() {
    socket_.async_read_some(asio::buffer(buffer_.get() + buffered_, kBufferBytes - buffered_),
                            [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                              if (ec) return;
                              self->buffered_ += n;
                              self->Parse();
                            });
  }

  void Parse() {
    size_t offset = 0;
    while (offset < buffered_ && !parser_->is_done()) {
      beast::error_code ec;
      const size_t used = parser_->put(asio::buffer(buffer_.get() + offset, buffered_ - offset), ec);
      offset += used;
      if (ec == beast::http::error::need_more) break;
      if (ec) return;  // malformed request: drop the connection
      if (used == 0) break;
    }
    std::memmove(buffer_.get(), buffer_.get() + offset, buffered_ - offset);
    buffered_ -= offset;
    if (!parser_->is_done()) {
      if (buffered_ == kBufferBytes) return;  // header too large
      Read();
      return;
    }
    keep_alive_ = parser_->keep_alive() && state_.options.keep_alive;
    Respond();
  }

  void Respond() {
    const auto now = Clock::now();
    const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    state_.requests.fetch_add(1);
    const auto& options = state_.options;
    if (state_.stall_from_ns != 0 && now_ns >= state_.stall_from_ns && !state_.stalled.exchange(true)) {
      state_.stall_until_ns.store(now_ns + options.stall_duration.count());
    }
    auto due = now + options.service_time;
    const int64_t stall_until = state_.stall_until_ns.load();
    if (stall_until > now_ns) {
      due = std::max(due, Clock::time_point(std::chrono::nanoseconds(stall_until)));
    }
    if (due <= now) {
      Write();
      return;
    }
    timer_.expires_at(due);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->Write();
    });
  }

  void Write() {
    const std::string& response = keep_alive_ ? state_.response_keep_alive : state_.response_close;
    asio::async_write(socket_, asio::buffer(response),
                      [self = shared_from_this()](boost::system::error_code ec, size_t) {
                        if (ec) return;
                        if (!self->keep_alive_) {
                          boost::system::error_code ignored;
                          self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
                          return;
                        }
                        self->parser_.emplace(self->state_.options.max_request_body_bytes);
                        if (self->buffered_ > 0) {
                          self->Parse();
                        } else {
                          self->Read();
                        }
                      });
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  SharedState& state_;
  std::unique_ptr<char[]> buffer_;
  size_t buffered_ = 0;
  std::optional<RequestSink> parser_;
  bool keep_alive_ = true;
};

std::string SerializeResponse(const FixtureServerOptions& options, bool keep_alive) {
  const auto reason = beast::http::obsolete_reason(static_cast<beast::http::status>(options.status));
  std::string out =
      "HTTP/1.1 " + std::to_string(options.status) + " " + std::string(reason.data(), reason.size()) + "\r\n";
  out += "Server: maestro-fixture\r\n";
  out += "Content-Type: " + options.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(options.body.size()) + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  out += options.body;
  return out;
}

class Server : public FixtureHttpServer {
 public:
  explicit Server(const FixtureServerOptions& options) {
    state_.options = options;
    state_.response_keep_alive = SerializeResponse(options, true);
    state_.response_close = SerializeResponse(options, false);
    if (options.stall_after.count() > 0 && options.stall_duration.count() > 0) {
      state_.stall_from_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch() + options.stall_after)
              .count();
    }
    for (int i = 0; i < options.threads; ++i) {
      ios_.push_back(std::make_unique<asio::io_context>(1));
      guards_.emplace_back(ios_.back()->get_executor());
    }
    acceptor_.emplace(*ios_[0]);
  }

  ~Server() override { Stop(); }

  Status Listen(uint16_t port) {
    boost::system::error_code ec;
    const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), port);
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Unavailable("fixture server: cannot listen on port " + std::to_string(port) + ": " + ec.message());
    port_ = acceptor_->local_endpoint().port();
    Accept();
    for (auto& io : ios_) threads_.emplace_back([&io = *io] { io.run(); });
    return Status::Ok();
  }

  uint16_t port() const override { return port_; }
  uint64_t requests() const override { return state_.requests.load(); }
  uint64_t connections() const override { return state_.connections.load(); }

  void Stop() override {
    if (stopped_) return;
    stopped_ = true;
    for (auto& guard : guards_) guard.reset();
    for (auto& io : ios_) io->stop();
    for (auto& t : threads_) t.join();
    boost::system::error_code ignored;
    acceptor_->close(ignored);
  }

 private:
  void Accept() {
    asio::io_context& target = *ios_[next_io_++ % ios_.size()];
    acceptor_->async_accept(target, [this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        state_.connections.fetch_add(1);
        std::make_shared<Session>(std::move(socket), state_)->Start();
      }
      Accept();
    });
  }

  SharedState state_;
  std::vector<std::unique_ptr<asio::io_context>> ios_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::optional<tcp::acceptor> acceptor_;
  std::vector<std::thread> threads_;
  size_t next_io_ = 0;
  uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<FixtureHttpServer>> StartFixtureHttpServer(const FixtureServerOptions& options, uint16_t port) {
  if (options.threads < 1 || options.threads > 64) return InvalidArgument("fixture server: threads in [1, 64]");
  if (options.status < 100 || options.status > 599) return InvalidArgument("fixture server: status in [100, 599]");
  if (options.service_time.count() < 0 || options.stall_after.count() < 0 || options.stall_duration.count() < 0) {
    return InvalidArgument("fixture server: times must be >= 0");
  }
  auto server = std::make_unique<Server>(options);
  if (Status s = server->Listen(port); !s.ok()) return s;
  return std::unique_ptr<FixtureHttpServer>(std::move(server));
}

}  // namespace maestro::bench
