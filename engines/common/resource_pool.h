// ResourcePool: hands each running request an engine resource of its own (a decoder, a state, a voice engine).
// Engines size the pool to their worker count, so a worker that asks always finds one free.
#pragma once

#include <mutex>
#include <utility>
#include <vector>

namespace maestro {

template <typename Owned>  // a unique_ptr type
class ResourcePool {
 public:
  // REQUIRES: called before the pool is shared between threads.
  void Add(Owned resource) { free_.push_back(std::move(resource)); }

  // REQUIRES: a resource is free (callers take at most as many as were added).
  // THREAD-SAFETY: Take and Return are safe to call concurrently.
  Owned Take() {
    std::lock_guard lock(mutex_);
    Owned resource = std::move(free_.back());
    free_.pop_back();
    return resource;
  }
  void Return(Owned resource) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(resource));
  }

 private:
  std::mutex mutex_;
  std::vector<Owned> free_;
};

}  // namespace maestro
