// EndpointBalancer: the one balancing policy every protocol's client follows when a service has several endpoints
// (`--stt a:1,b:2` or a DNS name with several addresses). Round robin over the endpoints that are not ejected;
// after 5 consecutive failures an endpoint is ejected for 30 s (Envoy's outlier-detection defaults), then offered
// to one call at a time as a probe: a success restores it, a failure ejects it again. A call that could not connect
// is retried once on another endpoint, within its deadline (the clients do that, asking `Pick` to avoid the first).
// An endpoint ejected by a failed connect (refused or unreachable: quick, and nothing was sent) is probed again
// after `reconnect_probe_time` instead: a restarted process is back in about a second, and each probe that fails to
// connect costs its call only the retry on another endpoint. Connect timeouts are deadline errors and never count.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace maestro::net {

struct Endpoint {
  std::string host;  // an IPv4 or IPv6 address
  uint16_t port = 0;
  std::string name;  // the host as it was written: a DNS name, or the address itself (what TLS checks against)
  std::string ToString() const;
};

// Parses a comma-separated list of HOST:PORT; a HOST that is a name resolves (getaddrinfo) to all its addresses.
// RETURNS at least one endpoint, or kInvalidArgument (malformed, more than 64) / kUnavailable (a name that does
// not resolve).
Result<std::vector<Endpoint>> ResolveEndpoints(const std::string& addresses);

struct BalancerPolicy {
  int eject_after_consecutive_failures = 5;
  std::chrono::milliseconds ejection_time{30000};
  std::chrono::milliseconds reconnect_probe_time{1000};  // the ejection when the last failure was a failed connect
  int connect_retries = 1;  // further endpoints tried after a connect failure, within the deadline
};

// A failure that counts towards ejection: the endpoint could not be reached or dropped the exchange.
bool CountsAsEndpointFailure(const Status& status);
// A failure that happened before anything was sent, so the call can go to another endpoint unchanged.
bool IsConnectFailure(const Status& status);

class EndpointBalancer {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // REQUIRES: endpoints > 0. `clock` is for tests; by default the steady clock.
  EndpointBalancer(size_t endpoints, BalancerPolicy policy, Clock clock = {});

  // RETURNS the endpoint for the next call: the next in round-robin order that is healthy, or whose ejection has
  // ended and has no probe in flight (it then carries the probe). `avoid` is skipped when any other is usable.
  // When every endpoint is ejected, the one whose ejection ends first: a call is never refused without a try.
  // THREAD-SAFETY: safe from any thread.
  size_t Pick(std::optional<size_t> avoid = std::nullopt);
  // Records how a call to `endpoint` ended. THREAD-SAFETY: safe from any thread.
  void Report(size_t endpoint, const Status& outcome);

  bool ejected(size_t endpoint) const;
  size_t size() const { return states_.size(); }
  const BalancerPolicy& policy() const { return policy_; }

 private:
  struct State {
    int consecutive_failures = 0;
    std::chrono::steady_clock::time_point ejected_until{};  // epoch: not ejected
    bool probing = false;
  };
  std::chrono::steady_clock::time_point Now() const;
  bool Usable(const State& state, std::chrono::steady_clock::time_point now) const;

  BalancerPolicy policy_;
  Clock clock_;
  mutable std::mutex mutex_;
  std::vector<State> states_;
  size_t next_ = 0;
};

}  // namespace maestro::net
