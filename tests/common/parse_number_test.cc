#include "common/parse_number.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "common/deadline.h"

namespace maestro {
namespace {

TEST(ParseNumberTest, TakesWholeNumbersOnly) {
  EXPECT_EQ(ParseNumber<int64_t>("1500"), 1500);
  EXPECT_EQ(ParseNumber<int64_t>("-3"), -3);
  for (const char* bad : {"", " 1", "1 ", "+1", "12abc", "0x10", "99999999999999999999"}) {
    EXPECT_FALSE(ParseNumber<int64_t>(bad).has_value()) << "'" << bad << "'";
  }
  EXPECT_FALSE(ParseNumber<uint16_t>("65536").has_value());
  EXPECT_FALSE(ParseNumber<unsigned>("-1").has_value());
}

TEST(ParseNumberTest, TakesDecimalsInAnyLocale) {
  EXPECT_DOUBLE_EQ(ParseNumber<double>("2.5").value(), 2.5);
  EXPECT_DOUBLE_EQ(ParseNumber<double>("1e3").value(), 1000.0);
  EXPECT_FALSE(ParseNumber<double>("2,5").has_value());
  EXPECT_FALSE(ParseNumber<double>("2.5s").has_value());
}

TEST(DeadlineTest, BudgetsFromTheWireSaturate) {
  EXPECT_TRUE(Deadline::FromBudgetMs(0).expired());
  EXPECT_TRUE(Deadline::FromBudgetMs(-5).expired());
  EXPECT_TRUE(Deadline::FromBudgetMs(INT64_MAX).never());
  auto soon = Deadline::FromBudgetMs(2000);
  EXPECT_FALSE(soon.never());
  EXPECT_GT(soon.remaining_ms(), 1000);
  EXPECT_LE(soon.remaining_ms(), 2000);
}

}  // namespace
}  // namespace maestro
