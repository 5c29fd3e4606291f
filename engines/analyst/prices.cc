#include "engines/analyst/prices.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>

#include "common/text.h"
#include "engines/analyst/csv.h"

namespace maestro::analyst {
namespace {

constexpr Price kMaxPrice = Price{1} << 52;  // far above any quote, far below int64 overflow in products

// a / b rounded half to even; a >= 0, b > 0.
int64_t DivideRounded(__int128 a, __int128 b) {
  __int128 quotient = a / b;
  __int128 remainder = a % b;
  if (2 * remainder > b || (2 * remainder == b && quotient % 2 == 1)) ++quotient;
  return static_cast<int64_t>(quotient);
}

// |a - b| <= b * tolerance_percent / 100, in integers.
bool Near(__int128 a, __int128 b, int tolerance_percent) {
  __int128 difference = a > b ? a - b : b - a;
  return difference * 100 <= b * tolerance_percent;
}

// A split shows up as the first session's prices sitting at a whole-number ratio of the previous close.
// The open and the close of the split day must both fit the ratio within 5% and 15%, so an ordinary large move
// rarely qualifies; a genuine crash of exactly ~50% in one gap would be misread (documented trade-off).
std::optional<Split> DetectSplit(const Bar& before, const Bar& day) {
  static constexpr std::array<int64_t, 8> kRatios = {2, 3, 4, 5, 8, 10, 20, 50};
  if (before.close <= 0 || day.open <= 0 || day.close <= 0) return std::nullopt;
  for (int64_t n : kRatios) {
    if (Near(before.close, __int128(day.open) * n, 5) && Near(before.close, __int128(day.close) * n, 15)) {
      return Split{day.date, n, 1};
    }
    if (Near(day.open, __int128(before.close) * n, 5) && Near(day.close, __int128(before.close) * n, 15)) {
      return Split{day.date, 1, n};
    }
  }
  return std::nullopt;
}

void AdjustForSplits(Series& series) {
  for (size_t i = 1; i < series.bars.size(); ++i) {
    if (auto split = DetectSplit(series.bars[i - 1], series.bars[i])) series.splits.push_back(*split);
  }
  if (series.splits.empty()) return;
  // Walk backwards, accumulating the factor of every split after the bar.
  __int128 to = 1;
  __int128 from = 1;
  size_t next_split = series.splits.size();
  for (size_t i = series.bars.size(); i-- > 0;) {
    Bar& bar = series.bars[i];
    while (next_split > 0 && series.splits[next_split - 1].date > bar.date) {
      --next_split;
      to *= series.splits[next_split].ratio_to;
      from *= series.splits[next_split].ratio_from;
    }
    if (to == from) continue;
    for (Price* price : {&bar.open, &bar.high, &bar.low, &bar.close}) *price = DivideRounded(*price * from, to);
    bar.volume = DivideRounded(__int128(bar.volume) * to, from);
  }
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

Result<int64_t> ParseVolume(std::string_view text) {
  if (text.empty()) return int64_t{0};
  // Some vendors write volumes as "1234.0".
  if (auto dot = text.find('.'); dot != std::string_view::npos) text = text.substr(0, dot);
  if (text.empty() || text.size() > 18) return InvalidArgument("bad volume");
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return InvalidArgument("bad volume");
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

Result<Price> ParsePrice(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty price");
  int64_t whole = 0;
  size_t i = 0;
  size_t digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
    if (digits >= 13) return InvalidArgument("price '" + std::string(text) + "' is too large");
    whole = whole * 10 + (text[i] - '0');
  }
  int64_t fraction = 0;
  int fraction_digits = 0;
  bool round_up = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (fraction_digits < 4) {
        fraction = fraction * 10 + (text[i] - '0');
        ++fraction_digits;
      } else if (fraction_digits == 4) {
        round_up = text[i] >= '5';
        ++fraction_digits;
      }
      ++digits;
    }
  }
  if (i != text.size() || digits == 0) return InvalidArgument("price '" + std::string(text) + "' is not a decimal");
  for (int d = std::min(fraction_digits, 4); d < 4; ++d) fraction *= 10;
  Price price = whole * kPriceScale + fraction + (round_up ? 1 : 0);
  if (price > kMaxPrice) return InvalidArgument("price '" + std::string(text) + "' is too large");
  return price;
}

std::string FormatPrice(Price price) {
  std::string sign = price < 0 ? "-" : "";
  int64_t magnitude = price < 0 ? -price : price;
  std::string digits = std::to_string(magnitude % kPriceScale);
  std::string fraction = std::string(4 - digits.size(), '0') + digits;
  while (fraction.size() > 2 && fraction.back() == '0') fraction.pop_back();
  return sign + std::to_string(magnitude / kPriceScale) + "." + fraction;
}

Result<int32_t> ParseDate(std::string_view text) {
  auto bad = [&] { return InvalidArgument("date '" + std::string(text) + "' is not YYYY-MM-DD"); };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  int32_t parts[3] = {0, 0, 0};
  size_t starts[3] = {0, 5, 8};
  size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t k = 0; k < lengths[p]; ++k) {
      char c = text[starts[p] + k];
      if (c < '0' || c > '9') return bad();
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (parts[0] < 1900 || parts[0] > 2200 || parts[1] < 1 || parts[1] > 12 || parts[2] < 1 ||
      parts[2] > kDaysInMonth[parts[1] - 1]) {
    return bad();
  }
  return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

std::string FormatDate(int32_t date) {
  char text[16];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02d", date / 10000, date / 100 % 100, date % 100);
  return text;
}

Result<PriceHistory> PriceHistory::Parse(std::string_view csv, std::string name) {
  PriceHistory history;
  history.name_ = std::move(name);
  std::map<std::string, Series> by_ticker;
  std::map<std::string, int> columns;
  auto lines = SplitLines(csv);
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string_view line = lines[n];
    auto where = [&] { return history.name_ + " line " + std::to_string(n + 1) + ": "; };
    if (line.empty()) continue;
    if (line.front() == '#') {
      std::string lower(line);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.find("synthetic") != std::string::npos) history.synthetic_ = true;
      continue;
    }
    auto fields = SplitCsvLine(line);
    if (!fields.ok()) return InvalidArgument(where() + fields.status().message());
    if (columns.empty()) {
      for (size_t c = 0; c < fields->size(); ++c) {
        std::string key(Trim((*fields)[c]));
        for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (key == "symbol") key = "ticker";
        columns[key] = static_cast<int>(c);
      }
      for (const char* required : {"date", "ticker", "open", "high", "low", "close"}) {
        if (!columns.count(required)) {
          return InvalidArgument(where() + "the header has no '" + required +
                                 "' column (need date,ticker,open,high,low,close[,volume])");
        }
      }
      continue;
    }
    auto field = [&](const char* key) -> std::string {
      auto it = columns.find(key);
      if (it == columns.end() || it->second >= static_cast<int>(fields->size())) return "";
      return std::string(Trim((*fields)[it->second]));
    };
    auto date = ParseDate(field("date"));
    if (!date.ok()) return InvalidArgument(where() + date.status().message());
    std::string ticker = Upper(field("ticker"));
    if (ticker.empty() || ticker.size() > 16) return InvalidArgument(where() + "bad ticker '" + ticker + "'");
    Bar bar{.date = *date};
    const std::pair<const char*, Price*> prices[] = {
        {"open", &bar.open}, {"high", &bar.high}, {"low", &bar.low}, {"close", &bar.close}};
    for (const auto& [key, target] : prices) {
      auto price = ParsePrice(field(key));
      if (!price.ok()) return InvalidArgument(where() + key + ": " + price.status().message());
      *target = *price;
    }
    if (bar.high < bar.low) return InvalidArgument(where() + "high is below low");
    if (bar.close <= 0) return InvalidArgument(where() + "close must be positive");
    auto volume = ParseVolume(field("volume"));
    if (!volume.ok()) return InvalidArgument(where() + volume.status().message());
    bar.volume = *volume;
    auto [it, inserted] = by_ticker.try_emplace(ticker);
    if (inserted) {
      if (by_ticker.size() > kMaxTickers) return InvalidArgument(where() + "more than 20000 tickers");
      it->second.ticker = ticker;
      it->second.exchange = field("exchange");
      it->second.currency = field("currency");
    }
    it->second.bars.push_back(bar);
  }
  if (columns.empty()) return InvalidArgument(history.name_ + ": no header line");
  for (auto& [ticker, series] : by_ticker) {
    std::stable_sort(series.bars.begin(), series.bars.end(),
                     [](const Bar& a, const Bar& b) { return a.date < b.date; });
    for (size_t i = 1; i < series.bars.size(); ++i) {
      if (series.bars[i].date == series.bars[i - 1].date) {
        return InvalidArgument(history.name_ + ": duplicate row for " + ticker + " on " +
                               FormatDate(series.bars[i].date));
      }
    }
    AdjustForSplits(series);
    history.series_.push_back(std::move(series));
  }
  return history;
}

Result<PriceHistory> PriceHistory::LoadFile(const std::string& path) {
  auto text = ReadFileLimited(path, kMaxFileBytes);
  if (!text.ok()) return text.status();
  auto slash = path.find_last_of('/');
  return Parse(*text, slash == std::string::npos ? path : path.substr(slash + 1));
}

const Series* PriceHistory::Find(std::string_view ticker) const {
  auto it = std::lower_bound(series_.begin(), series_.end(), ticker,
                             [](const Series& s, std::string_view t) { return s.ticker < t; });
  return it != series_.end() && it->ticker == ticker ? &*it : nullptr;
}

std::string PriceHistory::Describe() const {
  return (synthetic_ ? "synthetic sample dataset " : "dataset ") + name_;
}

}  // namespace maestro::analyst
