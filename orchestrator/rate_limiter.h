// RateLimiter: a token bucket per client key. Each key may make `burst` requests at once and `rate` per second
// on average; beyond that a request is refused with the time until a token is back.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace maestro {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // REQUIRES rate > 0 and burst >= 1. At most `max_keys` buckets are kept (keys come from the key file, so
  // they are few; the cap only bounds memory).
  RateLimiter(double rate, double burst, size_t max_keys = 100000);

  // Takes one token from `key`'s bucket at time `now`. RETURNS zero when the request may go, or how long until
  // a token is back. THREAD-SAFETY: safe from any thread.
  Clock::duration Take(const std::string& key, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  const double rate_;
  const double burst_;
  const size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace maestro
