// ThreadPool: a fixed set of workers draining a bounded FIFO of tasks.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace maestro {

class ThreadPool {
 public:
  // Starts `threads` workers (at least one). At most `max_queued` tasks wait; 0 means no bound.
  explicit ThreadPool(size_t threads, size_t max_queued = 0, std::string name = "pool");
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  // Runs every task already queued, then joins the workers.
  ~ThreadPool();

  // Queues `task`. RETURNS false, without running it, when the queue is full or the pool is stopping.
  // THREAD-SAFETY: safe from any thread, including a worker.
  bool Submit(std::function<void()> task);

  size_t size() const { return workers_.size(); }
  size_t queued() const;

 private:
  void Work();

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  size_t max_queued_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace maestro
