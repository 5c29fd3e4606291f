// ConnectionStream: one HTTP connection's byte stream, plain TCP or TLS over it, chosen when the connection is
// made. The server, the client and the routes that take a connection over are written once against it; with
// TLS off it forwards every operation to the beast::tcp_stream it holds.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <utility>
#include <variant>

namespace maestro::net {

class ConnectionStream {
 public:
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
  using executor_type = boost::beast::tcp_stream::executor_type;

  explicit ConnectionStream(boost::beast::tcp_stream plain) : stream_(std::move(plain)) {}
  explicit ConnectionStream(TlsStream tls) : stream_(std::move(tls)) {}
  ConnectionStream(ConnectionStream&&) = default;
  // Not assignable: Beast's ssl_stream cannot be move-assigned, and no connection changes streams midway.
  ConnectionStream& operator=(ConnectionStream&&) = delete;

  executor_type get_executor() noexcept { return tcp().get_executor(); }
  bool is_tls() const { return std::holds_alternative<TlsStream>(stream_); }
  // RETURNS the TLS layer. REQUIRES: is_tls().
  TlsStream& tls() { return std::get<TlsStream>(stream_); }
  // The TCP stream underneath, for timeouts and the socket. beast::get_lowest_layer finds it through next_layer.
  boost::beast::tcp_stream& tcp() {
    return is_tls() ? std::get<TlsStream>(stream_).next_layer() : std::get<boost::beast::tcp_stream>(stream_);
  }
  boost::beast::tcp_stream& next_layer() { return tcp(); }
  boost::asio::ip::tcp::socket& socket() { return tcp().socket(); }
  template <typename Duration>
  void expires_after(Duration duration) {
    tcp().expires_after(duration);
  }
  void expires_at(std::chrono::steady_clock::time_point at) { tcp().expires_at(at); }
  void expires_never() { tcp().expires_never(); }

  template <typename MutableBuffers, typename Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& into) {
          std::visit([&](auto& stream) { stream.async_read_some(into, std::move(handler)); }, stream_);
        },
        token, buffers);
  }

  template <typename ConstBuffers, typename Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& from) {
          std::visit([&](auto& stream) { stream.async_write_some(from, std::move(handler)); }, stream_);
        },
        token, buffers);
  }

 private:
  std::variant<boost::beast::tcp_stream, TlsStream> stream_;
};

}  // namespace maestro::net
