// PriceHistory: daily OHLCV bars per ticker, loaded from CSV, with stock splits detected and back-adjusted.
// Money is never a binary float here: prices are integer ten-thousandths of the currency unit ("37.44" is
// 374400), so parsing, adjusting, comparing and ranking are exact. Only ratio statistics (log returns,
// volatility) use double, computed from those integers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace maestro::analyst {

// Ten-thousandths of a currency unit.
using Price = int64_t;
inline constexpr Price kPriceScale = 10000;

// Parses a non-negative decimal such as "37.44" or "1234.5678". More than four decimals round half up.
// RETURNS kInvalidArgument for anything else (signs, exponents, empty text, absurd magnitudes).
Result<Price> ParsePrice(std::string_view text);
// "37.44", "0.0001", "1234.50": at least two decimals, at most four, no float on the way.
std::string FormatPrice(Price price);

// Dates are yyyymmdd integers, so that they compare and sort as numbers.
Result<int32_t> ParseDate(std::string_view text);  // "2024-01-02" -> 20240102
std::string FormatDate(int32_t date);              // 20240102 -> "2024-01-02"

struct Bar {
  int32_t date = 0;
  Price open = 0;
  Price high = 0;
  Price low = 0;
  Price close = 0;
  int64_t volume = 0;
};

// A split of `ratio_to` new shares for `ratio_from` old ones, effective from `date`: 2-for-1 is {date, 2, 1};
// a 1-for-10 reverse split is {date, 1, 10}.
struct Split {
  int32_t date = 0;
  int64_t ratio_to = 1;
  int64_t ratio_from = 1;
};

struct Series {
  std::string ticker;
  std::string exchange;       // empty when the CSV has no exchange column
  std::string currency;       // empty when the CSV has no currency column
  std::vector<Bar> bars;      // ascending dates, back-adjusted for every split in `splits`
  std::vector<Split> splits;  // detected splits, ascending dates
};

class PriceHistory {
 public:
  // Limits that keep a user's file from exhausting memory.
  static constexpr size_t kMaxFileBytes = 64u << 20;
  static constexpr size_t kMaxTickers = 20000;

  // Parses CSV text. The header names the columns, in any order: `date`, `ticker` (or `symbol`), `open`, `high`,
  // `low`, `close` are required; `volume`, `exchange`, `currency` are optional; other columns are ignored. So both
  // `date,ticker,open,high,low,close,volume` and `ticker,exchange,currency,date,open,high,low,close,volume` load.
  // Lines starting with '#' are comments; a comment containing "synthetic" marks the dataset synthetic.
  // Splits are detected (see DetectSplits in prices.cc and docs/knowledge-base.md) and earlier bars back-adjusted.
  // RETURNS kInvalidArgument naming the line for a malformed row, a duplicate (ticker, date), or high < low.
  static Result<PriceHistory> Parse(std::string_view csv, std::string name);
  // Reads `path` (at most kMaxFileBytes) and parses it; the dataset is named after the file.
  static Result<PriceHistory> LoadFile(const std::string& path);

  // RETURNS the series of `ticker` (exact, upper case), or nullptr.
  const Series* Find(std::string_view ticker) const;
  const std::vector<Series>& series() const { return series_; }
  const std::string& name() const { return name_; }
  bool synthetic() const { return synthetic_; }
  // "synthetic sample dataset prices_synthetic_2024.csv" or "dataset prices_2024_daily.csv".
  std::string Describe() const;

 private:
  std::string name_;
  bool synthetic_ = false;
  std::vector<Series> series_;  // ascending tickers
};

}  // namespace maestro::analyst
