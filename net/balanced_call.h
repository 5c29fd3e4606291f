// CallBalanced: one call through an EndpointBalancer, the same way for every protocol's client — pick an endpoint,
// report the outcome, and after a connect failure retry once on another endpoint if the deadline allows.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "common/deadline.h"
#include "net/endpoint_balancer.h"

namespace maestro::net {

// Runs `attempt(endpoint, on_result)`; `attempt` may run more than once, so it must not consume what it sends.
// REQUIRES: `balancer` outlives the call. RETURNS through `done`, exactly once, the last attempt's result.
// THREAD-SAFETY: safe from any thread.
template <typename T>
void CallBalanced(EndpointBalancer& balancer, const Deadline& deadline,
                  std::shared_ptr<std::function<void(size_t, std::function<void(Result<T>)>)>> attempt,
                  std::function<void(Result<T>)> done, int retries_left = -1,
                  std::optional<size_t> avoid = std::nullopt) {
  if (retries_left < 0) retries_left = balancer.policy().connect_retries;
  size_t endpoint = balancer.Pick(avoid);
  (*attempt)(endpoint,
             [&balancer, deadline, attempt, done = std::move(done), retries_left, endpoint](Result<T> result) {
               balancer.Report(endpoint, result.status());
               if (!result.ok() && retries_left > 0 && balancer.size() > 1 && IsConnectFailure(result.status()) &&
                   !deadline.expired()) {
                 return CallBalanced<T>(balancer, deadline, attempt, std::move(done), retries_left - 1, endpoint);
               }
               done(std::move(result));
             });
}

}  // namespace maestro::net
