#include "engines/analyst/prices.h"

#include <gtest/gtest.h>

#include "engines/analyst/analytics.h"
#include "engines/analyst/csv.h"
#include "engines/analyst/synthetic_prices.h"
#include "tests/engines/analyst/test_paths.h"

namespace maestro::analyst {
namespace {

TEST(PricesTest, ParsesDecimalsExactlyWithoutFloats) {
  EXPECT_EQ(ParsePrice("37.44").value(), 374400);
  EXPECT_EQ(ParsePrice("0.1").value(), 1000);
  EXPECT_EQ(ParsePrice("12").value(), 120000);
  EXPECT_EQ(ParsePrice("1.23456").value(), 12346);  // a fifth decimal rounds half up
  EXPECT_EQ(ParsePrice("1.23454").value(), 12345);
  EXPECT_EQ(ParsePrice(".5").value(), 5000);
  for (const char* bad : {"", "-1.0", "1e3", "abc", "1.2.3", ".", "12345678901234"}) {
    EXPECT_EQ(ParsePrice(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(FormatPrice(374400), "37.44");
  EXPECT_EQ(FormatPrice(1), "0.0001");
  EXPECT_EQ(FormatPrice(12345000), "1234.50");
  EXPECT_EQ(FormatPrice(33367), "3.3367");
}

TEST(PricesTest, ParsesAndFormatsDates) {
  EXPECT_EQ(ParseDate("2024-01-02").value(), 20240102);
  EXPECT_EQ(FormatDate(20240102), "2024-01-02");
  for (const char* bad : {"2024-13-01", "2024-02-30", "2024/01/02", "24-01-02", "2024-01-0x"}) {
    EXPECT_FALSE(ParseDate(bad).ok()) << bad;
  }
}

TEST(PricesTest, LoadsBothLayoutsByHeaderName) {
  auto compact = PriceHistory::Parse(
      "date,ticker,open,high,low,close,volume\n2024-01-03,aaa,1,2,0.5,1.5,10\n2024-01-02,AAA,1,1,1,1,5\n", "a.csv");
  ASSERT_TRUE(compact.ok()) << compact.status().ToString();
  const Series* a = compact->Find("AAA");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->bars.size(), 2u);
  EXPECT_EQ(a->bars[0].date, 20240102);  // sorted by date
  EXPECT_EQ(a->bars[1].close, 15000);
  EXPECT_FALSE(compact->synthetic());

  auto wide = PriceHistory::Parse(
      "# Synthetic test data\r\nticker,exchange,currency,date,open,high,low,close,volume\r\n"
      "PETR4,B3,BRL,2024-01-02,37.44,37.89,37.4,37.78,24043800\r\n",
      "b.csv");
  ASSERT_TRUE(wide.ok()) << wide.status().ToString();
  const Series* petr = wide->Find("PETR4");
  ASSERT_NE(petr, nullptr);
  EXPECT_EQ(petr->currency, "BRL");
  EXPECT_EQ(petr->exchange, "B3");
  EXPECT_EQ(petr->bars[0].close, 377800);
  EXPECT_EQ(petr->bars[0].volume, 24043800);
  EXPECT_TRUE(wide->synthetic());
  EXPECT_EQ(wide->Describe(), "synthetic sample dataset b.csv");
}

TEST(PricesTest, RejectsMalformedFilesNamingTheLine) {
  auto missing = PriceHistory::Parse("date,ticker,open,high,low\n", "x.csv");
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("close"), std::string::npos);
  auto bad_price = PriceHistory::Parse("date,ticker,open,high,low,close\n2024-01-02,A,1,1,1,x\n", "x.csv");
  EXPECT_NE(bad_price.status().message().find("line 2"), std::string::npos);
  auto duplicate =
      PriceHistory::Parse("date,ticker,open,high,low,close\n2024-01-02,A,1,1,1,1\n2024-01-02,A,1,1,1,1\n", "x.csv");
  EXPECT_NE(duplicate.status().message().find("duplicate"), std::string::npos);
  auto inverted = PriceHistory::Parse("date,ticker,open,high,low,close\n2024-01-02,A,1,1,2,1\n", "x.csv");
  EXPECT_NE(inverted.status().message().find("high is below low"), std::string::npos);
  EXPECT_FALSE(PriceHistory::Parse("", "x.csv").ok());
  EXPECT_FALSE(PriceHistory::Parse("date,ticker,open,high,low,close\n\"2024-01-02,A\n", "x.csv").ok());
  EXPECT_EQ(PriceHistory::LoadFile("/nonexistent/prices.csv").status().code(), StatusCode::kNotFound);
}

TEST(PricesTest, DetectsAndBackAdjustsSplits) {
  auto history = PriceHistory::Parse(
      "date,ticker,open,high,low,close,volume\n"
      // 2-for-1 on 01-04: 102 -> opens at 51.
      "2024-01-02,EEE,100,100,100,100,1000\n2024-01-03,EEE,101,103,100,102,1000\n"
      "2024-01-04,EEE,51,52,50.5,51.5,2000\n"
      // 1-for-10 reverse split on 01-04.
      "2024-01-02,FFF,1,1,1,1,5000\n2024-01-03,FFF,1.02,1.02,1.02,1.02,5000\n2024-01-04,FFF,10.2,10.3,10.2,10.3,500\n"
      // 3-for-1: 10.01 / 3 = 3.33666.. rounds to 3.3367.
      "2024-01-02,GGG,10.01,10.01,10.01,10.01,30\n2024-01-03,GGG,3.34,3.34,3.34,3.34,90\n"
      // A 30% fall is a fall, not a split.
      "2024-01-02,HHH,10,10,10,10,1\n2024-01-03,HHH,7,7,7,7,1\n",
      "splits.csv");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  const Series* e = history->Find("EEE");
  ASSERT_EQ(e->splits.size(), 1u);
  EXPECT_EQ(e->splits[0].date, 20240104);
  EXPECT_EQ(e->splits[0].ratio_to, 2);
  EXPECT_EQ(e->splits[0].ratio_from, 1);
  EXPECT_EQ(e->bars[0].close, 500000);
  EXPECT_EQ(e->bars[1].close, 510000);
  EXPECT_EQ(e->bars[1].high, 515000);
  EXPECT_EQ(e->bars[1].volume, 2000);
  EXPECT_EQ(e->bars[2].close, 515000);
  EXPECT_EQ(ReturnOver(*e, {})->basis_points, 300);  // 50 -> 51.5, not -48.5%

  const Series* f = history->Find("FFF");
  ASSERT_EQ(f->splits.size(), 1u);
  EXPECT_EQ(f->splits[0].ratio_to, 1);
  EXPECT_EQ(f->splits[0].ratio_from, 10);
  EXPECT_EQ(f->bars[0].close, 100000);
  EXPECT_EQ(f->bars[1].close, 102000);
  EXPECT_EQ(f->bars[0].volume, 500);

  const Series* g = history->Find("GGG");
  ASSERT_EQ(g->splits.size(), 1u);
  EXPECT_EQ(g->bars[0].close, 33367);
  EXPECT_EQ(g->bars[0].volume, 90);

  EXPECT_TRUE(history->Find("HHH")->splits.empty());
  EXPECT_EQ(history->Find("HHH")->bars[0].close, 100000);
}

TEST(PricesTest, SyntheticSampleIsReproducibleAndLabelled) {
  std::string generated = GenerateSyntheticPrices(42, 2024);
  auto committed = ReadFileLimited(testing::KnowledgeDir() + "/prices_synthetic_2024.csv", 1u << 20);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(generated, *committed) << "regenerate with: maestro analyst gen-prices --out data/knowledge/...";
  EXPECT_LT(generated.size(), 1u << 20);
  EXPECT_NE(GenerateSyntheticPrices(43, 2024), generated);

  auto history = PriceHistory::Parse(generated, "prices_synthetic_2024.csv");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_TRUE(history->synthetic());
  EXPECT_EQ(history->series().size(), 22u);
  // Exactly the two planted splits are found, nothing else.
  for (const auto& series : history->series()) {
    if (series.ticker == "BBAS3") {
      ASSERT_EQ(series.splits.size(), 1u);
      EXPECT_EQ(series.splits[0].date, 20240416);
      EXPECT_EQ(series.splits[0].ratio_to, 2);
    } else if (series.ticker == "NVDA") {
      ASSERT_EQ(series.splits.size(), 1u);
      EXPECT_EQ(series.splits[0].date, 20240610);
      EXPECT_EQ(series.splits[0].ratio_to, 10);
    } else {
      EXPECT_TRUE(series.splits.empty()) << series.ticker;
    }
  }
}

TEST(PricesTest, Bbas3SplitOfApril2024OnSharedData) {
  std::string path = testing::SharedStocksCsv();
  if (path.empty()) GTEST_FAIL() << "../shared/data/stocks is absent";
  auto history = PriceHistory::LoadFile(path);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_FALSE(history->synthetic());
  EXPECT_EQ(history->series().size(), 7u);
  const Series* bbas = history->Find("BBAS3");
  ASSERT_NE(bbas, nullptr);
  ASSERT_EQ(bbas->splits.size(), 1u);
  EXPECT_EQ(bbas->splits[0].date, 20240416);
  EXPECT_EQ(bbas->splits[0].ratio_to, 2);
  EXPECT_EQ(bbas->currency, "BRL");
  // 56.46 on 2024-04-15 becomes 28.23; the first close 54.76 becomes 27.38.
  auto before = std::find_if(bbas->bars.begin(), bbas->bars.end(), [](const Bar& b) { return b.date == 20240415; });
  ASSERT_NE(before, bbas->bars.end());
  EXPECT_EQ(before->close, 282300);
  EXPECT_EQ(bbas->bars.front().close, 273800);
  for (const auto& series : history->series()) {
    if (series.ticker != "BBAS3") {
      EXPECT_TRUE(series.splits.empty()) << series.ticker;
    }
  }
  // 27.38 -> 24.17: -11.7239%.
  EXPECT_EQ(ReturnOver(*bbas, Period::Year(2024))->basis_points, -1172);
}

}  // namespace
}  // namespace maestro::analyst
