#include "common/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>

namespace maestro {
namespace {

TEST(ThreadPoolTest, RunsEveryTaskBeforeDestruction) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(3);
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(pool.Submit([&] { ran++; }));
  }
  EXPECT_EQ(ran.load(), 1000);
}

TEST(ThreadPoolTest, RefusesBeyondQueueBound) {
  std::atomic<bool> release{false};
  ThreadPool pool(1, 2);
  ASSERT_TRUE(pool.Submit([&] {
    while (!release) std::this_thread::yield();
  }));
  // The blocker may still be queued; wait until the worker took it.
  while (pool.queued() != 0) std::this_thread::yield();
  EXPECT_TRUE(pool.Submit([] {}));
  EXPECT_TRUE(pool.Submit([] {}));
  EXPECT_FALSE(pool.Submit([] {}));
  release = true;
}

}  // namespace
}  // namespace maestro
