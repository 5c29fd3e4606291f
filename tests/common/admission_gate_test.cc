#include "common/admission_gate.h"

#include <gtest/gtest.h>

#include <vector>

namespace maestro {
namespace {

TEST(AdmissionGateTest, WithoutAQueueTheExcessIsRefusedAtOnce) {
  AdmissionGate gate(2, 0);
  EXPECT_TRUE(gate.TryAcquire());
  EXPECT_TRUE(gate.TryAcquire());
  EXPECT_FALSE(gate.TryAcquire());
  std::vector<bool> answers;
  gate.Acquire([&](bool admitted) { answers.push_back(admitted); });
  EXPECT_EQ(answers, std::vector<bool>{false});
  EXPECT_EQ(gate.inflight(), 2u);
  EXPECT_EQ(gate.queued(), 0u);
  gate.Release();
  EXPECT_TRUE(gate.TryAcquire());
}

TEST(AdmissionGateTest, QueuedCallsGetReleasedSlotsInArrivalOrder) {
  AdmissionGate gate(1, 2);
  std::vector<int> admitted;
  std::vector<int> refused;
  for (int i = 0; i < 4; ++i) {
    gate.Acquire([&, i](bool ok) { (ok ? admitted : refused).push_back(i); });
  }
  EXPECT_EQ(admitted, std::vector<int>{0});
  EXPECT_EQ(refused, std::vector<int>{3});
  EXPECT_EQ(gate.queued(), 2u);
  gate.Release();
  EXPECT_EQ(admitted, (std::vector<int>{0, 1}));
  gate.Release();
  EXPECT_EQ(admitted, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(gate.inflight(), 1u);
  EXPECT_EQ(gate.queued(), 0u);
  gate.Release();
  EXPECT_EQ(gate.inflight(), 0u);
}

TEST(AdmissionGateTest, TryAcquireDoesNotJumpAheadOfTheQueue) {
  AdmissionGate gate(1, 1);
  ASSERT_TRUE(gate.TryAcquire());
  bool queued_admitted = false;
  gate.Acquire([&](bool ok) { queued_admitted = ok; });
  gate.Release();  // hands the slot to the queued call
  EXPECT_TRUE(queued_admitted);
  EXPECT_FALSE(gate.TryAcquire());
}

TEST(AdmissionGateTest, ALimitBelowOneIsOne) {
  AdmissionGate gate(0, 0);
  EXPECT_TRUE(gate.TryAcquire());
  EXPECT_FALSE(gate.TryAcquire());
}

}  // namespace
}  // namespace maestro
