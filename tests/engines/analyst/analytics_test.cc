#include "engines/analyst/analytics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace maestro::analyst {
namespace {

// Hand-made closes (open = high = low = close):
//   AAA 10, 11, 9.90, 12, 10.20   BBB 20, 20, 22, 22, 24   CCC 5, 4.50, 4.50, 4.60, 4.50   DDD 1.00 ... 1.20
constexpr const char* kCsv =
    "date,ticker,open,high,low,close,volume\n"
    "2024-01-02,AAA,10,10,10,10,1\n2024-01-03,AAA,11,11,11,11,1\n2024-01-04,AAA,9.9,9.9,9.9,9.9,1\n"
    "2024-01-05,AAA,12,12,12,12,1\n2024-01-08,AAA,10.2,10.2,10.2,10.2,1\n"
    "2024-01-02,BBB,20,20,20,20,1\n2024-01-03,BBB,20,20,20,20,1\n2024-01-04,BBB,22,22,22,22,1\n"
    "2024-01-05,BBB,22,22,22,22,1\n2024-01-08,BBB,24,24,24,24,1\n"
    "2024-01-02,CCC,5,5,5,5,1\n2024-01-03,CCC,4.5,4.5,4.5,4.5,1\n2024-01-04,CCC,4.5,4.5,4.5,4.5,1\n"
    "2024-01-05,CCC,4.6,4.6,4.6,4.6,1\n2024-01-08,CCC,4.5,4.5,4.5,4.5,1\n"
    "2024-01-02,DDD,1,1,1,1,1\n2024-01-08,DDD,1.2,1.2,1.2,1.2,1\n"
    "2023-12-29,OLD,3,3,3,3,1\n";

class AnalyticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = PriceHistory::Parse(kCsv, "hand.csv");
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    history_ = std::make_unique<PriceHistory>(std::move(*parsed));
  }
  const Series& Get(const char* ticker) { return *history_->Find(ticker); }
  std::unique_ptr<PriceHistory> history_;
};

TEST_F(AnalyticsTest, ReturnOverAPeriod) {
  auto aaa = ReturnOver(Get("AAA"), Period::Year(2024));
  ASSERT_TRUE(aaa.ok());
  EXPECT_EQ(aaa->first_date, 20240102);
  EXPECT_EQ(aaa->last_date, 20240108);
  EXPECT_EQ(aaa->first_close, 100000);
  EXPECT_EQ(aaa->last_close, 102000);
  EXPECT_EQ(aaa->basis_points, 200);  // 10 -> 10.20
  // A sub-period: 11 (01-03) -> 12 (01-05) = +9.0909% -> 909 bp.
  EXPECT_EQ(ReturnOver(Get("AAA"), {20240103, 20240105})->basis_points, 909);
  EXPECT_EQ(ReturnOver(Get("CCC"), {})->basis_points, -1000);
  EXPECT_EQ(ReturnOver(Get("OLD"), Period::Year(2024)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ReturnOver(Get("AAA"), {20240108, 20240131}).status().code(), StatusCode::kNotFound);
}

TEST_F(AnalyticsTest, RanksBestToWorstWithExactTies) {
  auto ranking = RankByReturn(*history_, Period::Year(2024));
  ASSERT_EQ(ranking.size(), 4u);  // OLD has no 2024 session
  // BBB and DDD both gain exactly 20%: the tie is exact in integers and broken by ticker.
  EXPECT_EQ(ranking[0].ticker, "BBB");
  EXPECT_EQ(ranking[1].ticker, "DDD");
  EXPECT_EQ(ranking[0].basis_points, 2000);
  EXPECT_EQ(ranking[1].basis_points, 2000);
  EXPECT_EQ(ranking[2].ticker, "AAA");
  EXPECT_EQ(ranking[3].ticker, "CCC");
  EXPECT_EQ(ranking[3].basis_points, -1000);
}

TEST_F(AnalyticsTest, AnnualisedVolatilityOfDailyLogReturns) {
  // Log returns ln(1.1), ln(0.9), ln(12/9.9), ln(0.85); sample sd 0.166838... times sqrt(252) = 2.6484937478547.
  auto aaa = VolatilityOver(Get("AAA"), {});
  ASSERT_TRUE(aaa.ok());
  EXPECT_EQ(aaa->sessions, 5);
  EXPECT_NEAR(aaa->annualised, 2.6484937478547512, 1e-12);
  EXPECT_EQ(aaa->basis_points, 26485);
  // BBB: ln1, ln1.1, ln1, ln(24/22) -> 0.8372315670648104.
  EXPECT_NEAR(VolatilityOver(Get("BBB"), {})->annualised, 0.8372315670648104, 1e-12);
  EXPECT_EQ(VolatilityOver(Get("DDD"), {}).status().code(), StatusCode::kNotFound);  // two closes, one return
}

TEST_F(AnalyticsTest, MaxDrawdownFromRunningPeak) {
  // AAA: 11 -> 9.9 is -10%; 12 -> 10.2 is -15%, the largest.
  auto aaa = MaxDrawdown(Get("AAA"), {});
  ASSERT_TRUE(aaa.ok());
  EXPECT_EQ(aaa->peak_date, 20240105);
  EXPECT_EQ(aaa->peak_close, 120000);
  EXPECT_EQ(aaa->trough_date, 20240108);
  EXPECT_EQ(aaa->trough_close, 102000);
  EXPECT_EQ(aaa->basis_points, 1500);
  // Before 01-05 only the 10% fall exists.
  EXPECT_EQ(MaxDrawdown(Get("AAA"), {20240101, 20240104})->basis_points, 1000);
  // CCC: 5 -> 4.5 = 10%; the later 4.6 -> 4.5 is smaller.
  EXPECT_EQ(MaxDrawdown(Get("CCC"), {})->basis_points, 1000);
  EXPECT_EQ(MaxDrawdown(Get("CCC"), {})->trough_date, 20240103);
  // A series that only rises has no drawdown.
  EXPECT_EQ(MaxDrawdown(Get("DDD"), {})->basis_points, 0);
}

TEST_F(AnalyticsTest, ComparesTwoTickers) {
  auto comparison = Compare(Get("AAA"), Get("BBB"), Period::Year(2024));
  ASSERT_TRUE(comparison.ok());
  EXPECT_EQ(comparison->first.basis_points, 200);
  EXPECT_EQ(comparison->second.basis_points, 2000);
  EXPECT_EQ(comparison->spread_basis_points, -1800);
  EXPECT_EQ(comparison->first_volatility.basis_points, 26485);
  EXPECT_EQ(comparison->second_volatility.basis_points, 8372);
  EXPECT_EQ(Compare(Get("AAA"), Get("OLD"), Period::Year(2024)).status().code(), StatusCode::kNotFound);
}

TEST(AnalyticsFormatTest, BasisPointsAndRounding) {
  EXPECT_EQ(FormatBasisPoints(1234), "+12.34%");
  EXPECT_EQ(FormatBasisPoints(-310), "-3.10%");
  EXPECT_EQ(FormatBasisPoints(5), "+0.05%");
  EXPECT_EQ(FormatBasisPoints(0), "0.00%");
  EXPECT_EQ(FormatBasisPoints(1500, false), "15.00%");
  // Half a basis point rounds away from zero: 1 -> 1.00005 is +0.005% -> 1 bp; the mirror is -1 bp.
  EXPECT_EQ(ChangeBasisPoints(200001, 200000), 0);
  EXPECT_EQ(ChangeBasisPoints(100005, 100000), 1);
  EXPECT_EQ(ChangeBasisPoints(99995, 100000), -1);
}

}  // namespace
}  // namespace maestro::analyst
