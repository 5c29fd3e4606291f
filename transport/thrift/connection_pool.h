// ConnectionPool: Thrift's C++ client is blocking, so the asynchronous engine interfaces run each call on
// one of a fixed set of worker threads, which borrows one of at most `client_connections` kept connections
// for the call. Calls wait in a bounded queue; none gets a connection of its own.
#pragma once

#include <thrift/protocol/TProtocol.h>
#include <thrift/transport/TSSLSocket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/deadline.h"
#include "common/status.h"
#include "common/thread_pool.h"
#include "domain/types.h"
#include "transport/thrift/thrift_wire.h"

namespace maestro::thrift {

class ConnectionPool {
 public:
  // What one call sends on a borrowed connection.
  struct Wire {
    std::shared_ptr<apache::thrift::protocol::TProtocol> protocol;
    int64_t timeout_ms = 0;  // the budget left, for the request's timeout_ms field; 0 means none
  };

  // `tls` (thrift_tls.h) makes every connection a TLS one; null: plaintext.
  ConnectionPool(std::string host, uint16_t port, WireFormat format, int connections,
                 std::shared_ptr<apache::thrift::transport::TSSLSocketFactory> tls = nullptr);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  // Finishes every queued call, then closes the connections.
  ~ConnectionPool();

  // Runs `rpc` on a worker with a connection, then calls `done` with its result on that worker.
  // `rpc` performs one blocking Thrift call and returns its outcome; it may throw Thrift's transport and
  // protocol exceptions, which close the connection and become kUnavailable / kDeadlineExceeded /
  // kUpstreamError. A call whose deadline passes while it is queued is never sent.
  // THREAD-SAFETY: safe from any thread.
  template <typename T>
  void Call(const Deadline& deadline, std::function<Result<T>(const Wire&)> rpc, Callback<T> done) {
    auto task = [this, deadline, rpc = std::move(rpc), done]() {
      std::optional<Result<T>> outcome;
      Status failure = Execute(deadline, [&](const Wire& wire) { outcome.emplace(rpc(wire)); });
      done(failure.ok() ? std::move(*outcome) : Result<T>(failure));
    };
    if (!workers_.Submit(std::move(task))) {
      done(Status(StatusCode::kOverloaded, "too many thrift calls queued for " + address_));
    }
  }

 private:
  struct Connection;

  // RETURNS ok after `attempt` ran to completion on a connection, or the failure that prevented it.
  Status Execute(const Deadline& deadline, const std::function<void(const Wire&)>& attempt);
  std::unique_ptr<Connection> TakeIdle();
  std::unique_ptr<Connection> Open(const Deadline& deadline);
  void GiveBack(std::unique_ptr<Connection> connection);

  const std::string host_;
  const uint16_t port_;
  const std::string address_;
  const WireFormat format_;
  // Before the connections: their TLS sockets must go first.
  const std::shared_ptr<apache::thrift::transport::TSSLSocketFactory> tls_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  // Declared last: its destructor drains the queue while the members above still exist.
  ThreadPool workers_;
};

}  // namespace maestro::thrift
