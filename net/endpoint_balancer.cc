#include "net/endpoint_balancer.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>
#include <sstream>

namespace maestro::net {
namespace {

constexpr size_t kMaxEndpoints = 64;

Result<Endpoint> ParseOne(const std::string& text, std::vector<Endpoint>& out) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return InvalidArgument("'" + text + "' is not HOST:PORT");
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) return InvalidArgument("'" + text + "': the port must be 0..65535");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int error = getaddrinfo(host.c_str(), nullptr, &hints, &found); error != 0) {
    return Unavailable("cannot resolve '" + host + "': " + gai_strerror(error));
  }
  // A name with IPv4 addresses uses only those: "localhost" must not become ::1 as well when services bind 127.0.0.1.
  bool has_ipv4 = false;
  for (addrinfo* at = found; at; at = at->ai_next) has_ipv4 |= at->ai_family == AF_INET;
  for (addrinfo* at = found; at; at = at->ai_next) {
    if (has_ipv4 && at->ai_family != AF_INET) continue;
    char text_address[INET6_ADDRSTRLEN] = {};
    const void* raw = at->ai_family == AF_INET
                          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(at->ai_addr)->sin_addr)
                          : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(at->ai_addr)->sin6_addr);
    inet_ntop(at->ai_family, raw, text_address, sizeof(text_address));
    Endpoint endpoint{text_address, static_cast<uint16_t>(port), host};
    bool seen = std::any_of(out.begin(), out.end(),
                            [&](const Endpoint& e) { return e.host == endpoint.host && e.port == endpoint.port; });
    if (!seen) out.push_back(endpoint);
  }
  freeaddrinfo(found);
  return out.back();
}

}  // namespace

std::string Endpoint::ToString() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<std::vector<Endpoint>> ResolveEndpoints(const std::string& addresses) {
  std::vector<Endpoint> endpoints;
  std::stringstream items(addresses);
  for (std::string item; std::getline(items, item, ',');) {
    if (item.empty()) continue;
    if (auto parsed = ParseOne(item, endpoints); !parsed.ok()) return parsed.status();
    if (endpoints.size() > kMaxEndpoints) return InvalidArgument("at most 64 endpoints per service");
  }
  if (endpoints.empty()) return InvalidArgument("no endpoint in '" + addresses + "'");
  return endpoints;
}

bool CountsAsEndpointFailure(const Status& status) {
  return status.code() == StatusCode::kUnavailable;
}

bool IsConnectFailure(const Status& status) {
  return status.code() == StatusCode::kUnavailable && status.message().rfind("connect", 0) == 0;
}

EndpointBalancer::EndpointBalancer(size_t endpoints, BalancerPolicy policy, Clock clock)
    : policy_(policy), clock_(std::move(clock)), states_(std::max<size_t>(endpoints, 1)) {}

std::chrono::steady_clock::time_point EndpointBalancer::Now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

bool EndpointBalancer::Usable(const State& state, std::chrono::steady_clock::time_point now) const {
  if (state.ejected_until == std::chrono::steady_clock::time_point{}) return true;
  return now >= state.ejected_until && !state.probing;
}

size_t EndpointBalancer::Pick(std::optional<size_t> avoid) {
  std::lock_guard lock(mutex_);
  auto now = Now();
  const size_t n = states_.size();
  std::optional<size_t> fallback;
  for (size_t i = 0; i < n; ++i) {
    size_t index = (next_ + i) % n;
    if (!Usable(states_[index], now)) continue;
    if (avoid && index == *avoid && n > 1) {
      fallback = index;
      continue;
    }
    next_ = index + 1;
    if (states_[index].ejected_until != std::chrono::steady_clock::time_point{}) states_[index].probing = true;
    return index;
  }
  if (fallback) {
    next_ = *fallback + 1;
    return *fallback;
  }
  // Everything is ejected (or probing): the one back soonest, rather than no try at all.
  size_t soonest = 0;
  for (size_t i = 1; i < n; ++i) {
    if (states_[i].ejected_until < states_[soonest].ejected_until) soonest = i;
  }
  if (avoid && soonest == *avoid && n > 1) soonest = (soonest + 1) % n;
  return soonest;
}

void EndpointBalancer::Report(size_t endpoint, const Status& outcome) {
  std::lock_guard lock(mutex_);
  if (endpoint >= states_.size()) return;
  State& state = states_[endpoint];
  bool was_probe = state.probing;
  state.probing = false;
  if (!CountsAsEndpointFailure(outcome)) {
    state.consecutive_failures = 0;
    state.ejected_until = {};
    return;
  }
  ++state.consecutive_failures;
  if (was_probe || state.consecutive_failures >= policy_.eject_after_consecutive_failures) {
    state.ejected_until = Now() + (IsConnectFailure(outcome) ? policy_.reconnect_probe_time : policy_.ejection_time);
  }
}

bool EndpointBalancer::ejected(size_t endpoint) const {
  std::lock_guard lock(mutex_);
  const State& state = states_.at(endpoint);
  return state.ejected_until != std::chrono::steady_clock::time_point{} && Now() < state.ejected_until;
}

}  // namespace maestro::net
