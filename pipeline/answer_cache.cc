#include "pipeline/answer_cache.h"

#include <functional>
#include <string_view>

namespace maestro {

std::optional<CachedAnswer> AnswerCache::Find(const std::string& audio) {
  const size_t key = std::hash<std::string_view>{}(audio);
  std::lock_guard lock(mutex_);
  auto [begin, end] = index_.equal_range(key);
  for (auto it = begin; it != end; ++it) {
    if (it->second->audio == audio) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->answer;
    }
  }
  return std::nullopt;
}

void AnswerCache::Store(const std::string& audio, CachedAnswer answer) {
  const size_t entry_bytes =
      audio.size() + answer.speech.wav.size() + answer.answer.text.size() + answer.transcript.text.size();
  if (entry_bytes > max_bytes_) return;
  const size_t key = std::hash<std::string_view>{}(audio);
  std::lock_guard lock(mutex_);
  auto [begin, end] = index_.equal_range(key);
  for (auto it = begin; it != end; ++it) {
    if (it->second->audio == audio) return;  // a concurrent request stored it first
  }
  lru_.push_front({audio, std::move(answer), entry_bytes});
  index_.emplace(key, lru_.begin());
  bytes_ += entry_bytes;
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    auto& last = lru_.back();
    const size_t last_key = std::hash<std::string_view>{}(last.audio);
    auto [from, to] = index_.equal_range(last_key);
    for (auto it = from; it != to; ++it) {
      if (it->second == std::prev(lru_.end())) {
        index_.erase(it);
        break;
      }
    }
    bytes_ -= last.bytes;
    lru_.pop_back();
  }
}

size_t AnswerCache::size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

size_t AnswerCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace maestro
