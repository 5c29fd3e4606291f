#include "engines/analyst/analytics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace maestro::analyst {
namespace {

constexpr double kTradingDaysPerYear = 252;

std::vector<const Bar*> BarsIn(const Series& series, Period period) {
  std::vector<const Bar*> bars;
  for (const Bar& bar : series.bars) {
    if (bar.date >= period.from && bar.date <= period.to) bars.push_back(&bar);
  }
  return bars;
}

Status TooFewSessions(const Series& series, Period period, int needed) {
  return Status(StatusCode::kNotFound, "fewer than " + std::to_string(needed) + " sessions of " + series.ticker +
                                           " between " + FormatDate(period.from) + " and " + FormatDate(period.to));
}

// a / b rounded half away from zero; b > 0.
int64_t DivideAwayFromZero(__int128 a, __int128 b) {
  bool negative = a < 0;
  __int128 magnitude = negative ? -a : a;
  __int128 quotient = (2 * magnitude + b) / (2 * b);
  return static_cast<int64_t>(negative ? -quotient : quotient);
}

}  // namespace

int64_t ChangeBasisPoints(Price numerator, Price denominator) {
  return DivideAwayFromZero((__int128(numerator) - denominator) * 10000, denominator);
}

std::string FormatBasisPoints(int64_t basis_points, bool signed_format) {
  const char* sign = basis_points < 0 ? "-" : (signed_format && basis_points > 0 ? "+" : "");
  long long magnitude = basis_points < 0 ? -basis_points : basis_points;
  char text[40];
  std::snprintf(text, sizeof(text), "%s%lld.%02lld%%", sign, magnitude / 100, magnitude % 100);
  return text;
}

Result<PeriodReturn> ReturnOver(const Series& series, Period period) {
  auto bars = BarsIn(series, period);
  if (bars.size() < 2) return TooFewSessions(series, period, 2);
  PeriodReturn result{.ticker = series.ticker,
                      .currency = series.currency,
                      .first_date = bars.front()->date,
                      .last_date = bars.back()->date,
                      .first_close = bars.front()->close,
                      .last_close = bars.back()->close};
  result.basis_points = ChangeBasisPoints(result.last_close, result.first_close);
  return result;
}

std::vector<PeriodReturn> RankByReturn(const PriceHistory& history, Period period) {
  std::vector<PeriodReturn> ranking;
  for (const Series& series : history.series()) {
    if (auto result = ReturnOver(series, period); result.ok()) ranking.push_back(*result);
  }
  std::sort(ranking.begin(), ranking.end(), [](const PeriodReturn& a, const PeriodReturn& b) {
    __int128 left = __int128(a.last_close) * b.first_close;
    __int128 right = __int128(b.last_close) * a.first_close;
    if (left != right) return left > right;
    return a.ticker < b.ticker;
  });
  return ranking;
}

Result<Volatility> VolatilityOver(const Series& series, Period period) {
  auto bars = BarsIn(series, period);
  if (bars.size() < 3) return TooFewSessions(series, period, 3);
  std::vector<double> returns;
  for (size_t i = 1; i < bars.size(); ++i) {
    returns.push_back(std::log(static_cast<double>(bars[i]->close) / static_cast<double>(bars[i - 1]->close)));
  }
  double mean = 0;
  for (double r : returns) mean += r;
  mean /= static_cast<double>(returns.size());
  double squares = 0;
  for (double r : returns) squares += (r - mean) * (r - mean);
  double daily = std::sqrt(squares / static_cast<double>(returns.size() - 1));
  Volatility result{.ticker = series.ticker, .sessions = static_cast<int>(bars.size())};
  result.annualised = daily * std::sqrt(kTradingDaysPerYear);
  result.basis_points = std::llround(result.annualised * 10000);
  return result;
}

Result<Drawdown> MaxDrawdown(const Series& series, Period period) {
  auto bars = BarsIn(series, period);
  if (bars.size() < 2) return TooFewSessions(series, period, 2);
  Drawdown worst{.ticker = series.ticker,
                 .peak_date = bars.front()->date,
                 .trough_date = bars.front()->date,
                 .peak_close = bars.front()->close,
                 .trough_close = bars.front()->close};
  const Bar* peak = bars.front();
  for (const Bar* bar : bars) {
    if (bar->close > peak->close) peak = bar;
    // (peak - close) / peak > (worst.peak - worst.trough) / worst.peak, cross-multiplied.
    __int128 candidate = __int128(peak->close - bar->close) * worst.peak_close;
    __int128 current = __int128(worst.peak_close - worst.trough_close) * peak->close;
    if (candidate > current) {
      worst.peak_date = peak->date;
      worst.peak_close = peak->close;
      worst.trough_date = bar->date;
      worst.trough_close = bar->close;
    }
  }
  worst.basis_points = -ChangeBasisPoints(worst.trough_close, worst.peak_close);
  return worst;
}

Result<Comparison> Compare(const Series& first, const Series& second, Period period) {
  auto first_return = ReturnOver(first, period);
  if (!first_return.ok()) return first_return.status();
  auto second_return = ReturnOver(second, period);
  if (!second_return.ok()) return second_return.status();
  auto first_volatility = VolatilityOver(first, period);
  if (!first_volatility.ok()) return first_volatility.status();
  auto second_volatility = VolatilityOver(second, period);
  if (!second_volatility.ok()) return second_volatility.status();
  Comparison comparison{*first_return, *second_return, *first_volatility, *second_volatility};
  comparison.spread_basis_points = first_return->basis_points - second_return->basis_points;
  return comparison;
}

}  // namespace maestro::analyst
