#include "transport/thrift/connection_pool.h"

#include <poll.h>
#include <thrift/TApplicationException.h>
#include <thrift/protocol/TProtocolException.h>
#include <thrift/transport/TSocket.h>
#include <thrift/transport/TTransportException.h>

#include <algorithm>

namespace maestro::thrift {
namespace {

using apache::thrift::transport::TSocket;
using apache::thrift::transport::TTransportException;

// Calls waiting for a worker beyond this are refused with kOverloaded.
constexpr size_t kMaxQueuedCalls = 16384;
// Longest wait for a TCP connection when the call's own budget is longer (or unlimited).
constexpr int64_t kConnectTimeoutMs = 5000;

int TimeoutMs(const Deadline& deadline, int64_t cap) {
  if (deadline.never()) return static_cast<int>(cap);
  return static_cast<int>(std::clamp<int64_t>(deadline.remaining_ms(), 1, cap > 0 ? cap : INT32_MAX));
}

}  // namespace

struct ConnectionPool::Connection {
  std::shared_ptr<TSocket> socket;
  std::shared_ptr<apache::thrift::transport::TTransport> transport;
  std::shared_ptr<apache::thrift::protocol::TProtocol> protocol;
};

ConnectionPool::ConnectionPool(std::string host, uint16_t port, WireFormat format, int connections,
                               std::shared_ptr<apache::thrift::transport::TSSLSocketFactory> tls)
    : host_(std::move(host)),
      port_(port),
      address_(host_ + ":" + std::to_string(port)),
      format_(format),
      tls_(std::move(tls)),
      workers_(static_cast<size_t>(std::max(connections, 1)), kMaxQueuedCalls, "thrift-client") {}

ConnectionPool::~ConnectionPool() = default;

Status ConnectionPool::Execute(const Deadline& deadline, const std::function<void(const Wire&)>& attempt) {
  for (int tries = 0;; ++tries) {
    // remaining_ms() == 0 means under a millisecond: too little to send, and 0 would mean "no deadline".
    if (deadline.expired() || (!deadline.never() && deadline.remaining_ms() == 0)) {
      return DeadlineExceeded("the budget was spent before the thrift call to " + address_ + " was sent");
    }
    std::unique_ptr<Connection> connection = TakeIdle();
    bool reused = connection != nullptr;
    if (!connection) {
      try {
        connection = Open(deadline);
      } catch (const TTransportException& e) {
        // Nothing was sent: the balancer may try another endpoint (net::IsConnectFailure).
        if (e.getType() == TTransportException::TIMED_OUT || deadline.expired()) {
          return DeadlineExceeded("connect to thrift service at " + address_ + " timed out: " + e.what());
        }
        return Unavailable("connect to thrift service at " + address_ + " failed: " + e.what());
      }
    }
    try {
      int timeout = TimeoutMs(deadline, 0);
      connection->socket->setRecvTimeout(timeout);
      connection->socket->setSendTimeout(timeout);
      attempt(Wire{connection->protocol, deadline.never() ? 0 : std::max<int64_t>(deadline.remaining_ms(), 1)});
      GiveBack(std::move(connection));
      return Status::Ok();
    } catch (const TTransportException& e) {
      // The connection's state is unknown (a late reply may still arrive): drop it, never reuse it.
      connection.reset();
      if (e.getType() == TTransportException::TIMED_OUT || deadline.expired()) {
        return DeadlineExceeded("thrift call to " + address_ + " ran out of time: " + e.what());
      }
      // A kept connection may have been closed by the server while idle: one fresh try.
      if (reused && tries == 0) continue;
      return Unavailable("thrift service at " + address_ + " unreachable: " + e.what());
    } catch (const apache::thrift::TApplicationException& e) {
      return Status(StatusCode::kUpstreamError, "thrift service at " + address_ + " failed the call: " + e.what());
    } catch (const apache::thrift::TException& e) {
      return Status(StatusCode::kUpstreamError, "thrift service at " + address_ + " sent a bad reply: " + e.what());
    } catch (const std::exception& e) {
      // For instance bad_alloc for a reply too large for this process: fail this call, not the process.
      return Internal("thrift call to " + address_ + " failed: " + e.what());
    }
  }
}

std::unique_ptr<ConnectionPool::Connection> ConnectionPool::TakeIdle() {
  for (;;) {
    std::unique_ptr<Connection> connection;
    {
      std::lock_guard lock(mutex_);
      if (idle_.empty()) return nullptr;
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
    // An idle connection has nothing to read; if it is readable, the server closed it (or sent junk).
    pollfd probe{connection->socket->getSocketFD(), POLLIN, 0};
    if (poll(&probe, 1, 0) == 0) return connection;
  }
}

std::unique_ptr<ConnectionPool::Connection> ConnectionPool::Open(const Deadline& deadline) {
  auto connection = std::make_unique<Connection>();
  connection->socket = tls_ ? tls_->createSocket(host_, port_) : std::make_shared<TSocket>(host_, port_);
  connection->socket->setConnTimeout(TimeoutMs(deadline, kConnectTimeoutMs));
  connection->transport = WrapSocket(connection->socket, format_);
  connection->protocol = MakeProtocol(connection->transport, format_);
  connection->transport->open();
  return connection;
}

void ConnectionPool::GiveBack(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
}

}  // namespace maestro::thrift
