#include "common/large_buffers.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace maestro {
namespace {

// The arena tests count glibc's arenas. ASan and TSan replace glibc's malloc, so their builds have no arenas to
// count and do not compile these tests; the release build (CI's) runs them.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)

// Starts threads that each allocate and free a block too large for the per-thread cache, then returns how many
// arenas glibc reports (one <heap> element of malloc_info's XML each).
int ArenasAfterThreadsAllocate() {
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([] {
      void* block = std::malloc(64 << 10);
      std::free(block);
    });
  }
  for (std::thread& thread : threads) thread.join();
  char* xml = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&xml, &size);
  malloc_info(0, out);
  std::fclose(out);
  int arenas = 0;
  for (std::string text(xml, size); text.find("<heap nr=") != std::string::npos; ++arenas) {
    text.erase(0, text.find("<heap nr=") + 1);
  }
  std::free(xml);
  return arenas;
}

// The premise: left alone, glibc gives new threads arenas of their own.
TEST(LargeBuffersDeathTest, GlibcGivesThreadsArenasOfTheirOwnByDefault) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(std::exit(ArenasAfterThreadsAllocate() > 1 ? 0 : 1), testing::ExitedWithCode(0), "");
}

TEST(LargeBuffersDeathTest, EveryThreadSharesTheOneArena) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        KeepLargeBuffersInTheHeap();
        std::exit(ArenasAfterThreadsAllocate());
      },
      testing::ExitedWithCode(1), "");
}

// An operator who sets the arena count in the environment keeps it (glibc read theirs at start).
TEST(LargeBuffersDeathTest, AnArenaCountTheOperatorSetIsKept) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=8", 1);
        KeepLargeBuffersInTheHeap();
        std::exit(ArenasAfterThreadsAllocate() > 1 ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

#endif

TEST(LargeBuffersTest, OnlyTheParameterTheOperatorNamedIsTheirs) {
  unsetenv("MALLOC_TRIM_THRESHOLD_");
  setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=8:glibc.malloc.tcache_count=0", 1);
  EXPECT_TRUE(OperatorSetMallocParameter("MALLOC_ARENA_MAX", "glibc.malloc.arena_max"));
  EXPECT_FALSE(OperatorSetMallocParameter("MALLOC_TRIM_THRESHOLD_", "glibc.malloc.trim_threshold"));
  setenv("MALLOC_TRIM_THRESHOLD_", "1048576", 1);
  EXPECT_TRUE(OperatorSetMallocParameter("MALLOC_TRIM_THRESHOLD_", "glibc.malloc.trim_threshold"));
  unsetenv("MALLOC_TRIM_THRESHOLD_");
  unsetenv("GLIBC_TUNABLES");
}

}  // namespace
}  // namespace maestro
