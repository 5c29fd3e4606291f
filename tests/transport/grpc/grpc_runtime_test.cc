#include "transport/grpc/grpc_runtime.h"

#include <absl/synchronization/mutex.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace maestro::grpc_transport {
namespace {

// Takes two mutexes in one order, then in the other: no deadlock happens (one thread), but Abseil's deadlock
// detection, when on, reports the inverted order as a potential deadlock and aborts.
void InvertLockOrder() {
  absl::Mutex first, second;
  first.Lock();
  second.Lock();
  second.Unlock();
  first.Unlock();
  second.Lock();
  first.Lock();
  first.Unlock();
  second.Unlock();
}

// The premise: as Debian builds Abseil, detection is on by default, so every gRPC mutex pays for it.
TEST(GrpcRuntimeDeathTest, DebiansAbseilDetectsLockOrderByDefault) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(InvertLockOrder(), "deadlock");
}

TEST(GrpcRuntimeTest, ConfiguredProcessesSkipTheLockOrderGraph) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ConfigureGrpcRuntime();
        ConfigureGrpcRuntime();
        InvertLockOrder();
        std::exit(0);
      },
      testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace maestro::grpc_transport
