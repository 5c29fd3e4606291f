// Outbox: what engine threads hand to a connection, drained in order by the connection's coroutine. Push and
// Close run on the connection's event loop (engine threads get there through ConnectionContext::Post), so the
// queue needs no lock and waiting costs no thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <optional>
#include <utility>  // Boost 1.74's asio/awaitable.hpp uses std::exchange without including it

namespace maestro::net {

template <typename Item>
class Outbox {
 public:
  explicit Outbox(const boost::asio::any_io_executor& executor) : wake_(executor) {}

  // REQUIRES: on the executor's thread. Items pushed after Close are dropped.
  void Push(Item item) {
    if (closed_) return;
    items_.push_back(std::move(item));
    wake_.cancel();
  }
  void Close() {
    closed_ = true;
    wake_.cancel();
  }
  size_t size() const { return items_.size(); }

  // RETURNS the next item, waiting for one; std::nullopt once closed and empty.
  boost::asio::awaitable<std::optional<Item>> Next() {
    while (items_.empty() && !closed_) {
      boost::system::error_code ec;
      wake_.expires_at(boost::asio::steady_timer::time_point::max());
      co_await wake_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    if (items_.empty()) co_return std::nullopt;
    Item item = std::move(items_.front());
    items_.pop_front();
    co_return item;
  }

 private:
  boost::asio::steady_timer wake_;
  std::deque<Item> items_;
  bool closed_ = false;
};

}  // namespace maestro::net
