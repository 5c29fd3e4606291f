// Price analytics over a PriceHistory: period return, best/worst ranking, volatility, maximum drawdown and a
// comparison of two tickers. Amounts and their comparisons stay in integers (see prices.h); percentages are
// exact integer basis points (hundredths of a percent, rounded half away from zero) computed from those integers.
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "engines/analyst/prices.h"

namespace maestro::analyst {

// Inclusive yyyymmdd bounds.
struct Period {
  int32_t from = 0;
  int32_t to = 99991231;
  static Period Year(int32_t year) { return {year * 10000 + 101, year * 10000 + 1231}; }
};

// From the close of the first session in the period to the close of the last session in it (split-adjusted).
struct PeriodReturn {
  std::string ticker;
  std::string currency;
  int32_t first_date = 0;
  int32_t last_date = 0;
  Price first_close = 0;
  Price last_close = 0;
  int64_t basis_points = 0;  // (last / first - 1) in hundredths of a percent
};

struct Drawdown {
  std::string ticker;
  int32_t peak_date = 0;
  int32_t trough_date = 0;
  Price peak_close = 0;
  Price trough_close = 0;
  int64_t basis_points = 0;  // (peak - trough) / peak, >= 0; 0 when the price never fell below a previous close
};

struct Volatility {
  std::string ticker;
  int sessions = 0;          // closes used; returns = sessions - 1
  double annualised = 0;     // sample stdev (n - 1) of daily log returns times sqrt(252), as a fraction
  int64_t basis_points = 0;  // `annualised` in hundredths of a percent, rounded
};

struct Comparison {
  PeriodReturn first;
  PeriodReturn second;
  Volatility first_volatility;
  Volatility second_volatility;
  int64_t spread_basis_points = 0;  // first.basis_points - second.basis_points
};

// (numerator / denominator - 1) in basis points, rounded half away from zero; denominator > 0.
int64_t ChangeBasisPoints(Price numerator, Price denominator);
// "+12.34%", "-3.10%", "0.00%" (`signed_format` false drops the '+').
std::string FormatBasisPoints(int64_t basis_points, bool signed_format = true);

// RETURNS the return of `series` over `period`, or kNotFound when fewer than two sessions fall in the period.
Result<PeriodReturn> ReturnOver(const Series& series, Period period);

// RETURNS every ticker with at least two sessions in `period`, best return first (ties by ticker). The order is
// decided by exact cross-multiplication of the integer closes, never by rounded percentages.
std::vector<PeriodReturn> RankByReturn(const PriceHistory& history, Period period);

// RETURNS the annualised volatility, or kNotFound with fewer than three sessions in `period`.
Result<Volatility> VolatilityOver(const Series& series, Period period);

// RETURNS the largest close-to-close decline from a running peak within `period`, or kNotFound with fewer than
// two sessions in it. The largest decline is chosen by exact integer comparison.
Result<Drawdown> MaxDrawdown(const Series& series, Period period);

// RETURNS both returns and volatilities over `period`, or the first kNotFound.
Result<Comparison> Compare(const Series& first, const Series& second, Period period);

}  // namespace maestro::analyst
