// AnswerCache: remembers whole answers by the exact question audio. The original system cached answers inside
// its services, so its benchmark mostly measured cache hits; here caching is an explicit, opt-in factor.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "domain/types.h"

namespace maestro {

struct CachedAnswer {
  Transcript transcript;
  Generation answer;
  SpeechAudio speech;
};

class AnswerCache {
 public:
  // Holds answers up to `max_bytes` in total (their audio dominates), evicting the least recently used.
  explicit AnswerCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // RETURNS the answer stored for exactly these audio bytes, if any. THREAD-SAFETY: safe.
  std::optional<CachedAnswer> Find(const std::string& audio);
  // Stores `answer` for `audio`. THREAD-SAFETY: safe.
  void Store(const std::string& audio, CachedAnswer answer);

  size_t size() const;
  size_t bytes() const;

 private:
  struct Entry {
    std::string audio;  // kept to rule out hash collisions
    CachedAnswer answer;
    size_t bytes;
  };
  using List = std::list<Entry>;

  const size_t max_bytes_;
  mutable std::mutex mutex_;
  List lru_;  // most recent first
  std::unordered_multimap<size_t, List::iterator> index_;
  size_t bytes_ = 0;
};

}  // namespace maestro
