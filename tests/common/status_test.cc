#include "common/status.h"

#include <gtest/gtest.h>

#include "common/deadline.h"

namespace maestro {
namespace {

TEST(StatusTest, HopIsKeptOnceSet) {
  Status status(StatusCode::kUnavailable, "connection refused");
  Status at_stt = status.WithHop("stt");
  EXPECT_EQ(at_stt.hop(), "stt");
  EXPECT_EQ(at_stt.WithHop("llm").hop(), "stt");
  EXPECT_EQ(at_stt.ToString(), "unavailable at stt: connection refused");
}

TEST(StatusTest, ResultHoldsValueOrError) {
  Result<int> value = 7;
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 7);
  Result<int> error = InvalidArgument("bad");
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), StatusCode::kInvalidArgument);
}

TEST(DeadlineTest, RemainingNeverNegative) {
  Deadline past = Deadline::In(std::chrono::milliseconds(-5));
  EXPECT_TRUE(past.expired());
  EXPECT_EQ(past.remaining_ms(), 0);
  EXPECT_FALSE(Deadline::Never().expired());
  Deadline soon = Deadline::In(std::chrono::milliseconds(5000));
  EXPECT_GT(soon.remaining_ms(), 4000);
}

}  // namespace
}  // namespace maestro
