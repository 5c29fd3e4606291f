#include "engines/analyst/instruments.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/text.h"
#include "engines/analyst/csv.h"
#include "engines/analyst/text.h"

namespace maestro::analyst {
namespace {

bool IsDigits(const std::string& token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<InstrumentTable> InstrumentTable::Parse(std::string_view csv) {
  InstrumentTable table;
  auto lines = SplitLines(csv);
  bool header_seen = false;
  for (size_t n = 0; n < lines.size(); ++n) {
    if (lines[n].empty() || lines[n].front() == '#') continue;
    auto fields = SplitCsvLine(lines[n]);
    std::string where = "instruments line " + std::to_string(n + 1) + ": ";
    if (!fields.ok()) return InvalidArgument(where + fields.status().message());
    if (!header_seen) {
      static const std::vector<std::string> kHeader = {"ticker", "company",     "exchange",
                                                       "sector", "share_class", "aliases"};
      if (*fields != kHeader)
        return InvalidArgument(where + "expected ticker,company,exchange,sector,share_class,aliases");
      header_seen = true;
      continue;
    }
    if (fields->size() != 6 || (*fields)[0].empty() || (*fields)[1].empty()) {
      return InvalidArgument(where + "expected 6 fields with a ticker and a company");
    }
    Instrument instrument{(*fields)[0], (*fields)[1], (*fields)[2], (*fields)[3], (*fields)[4], {}};
    std::string aliases = (*fields)[5];
    size_t start = 0;
    while (start <= aliases.size()) {
      size_t bar = aliases.find('|', start);
      if (bar == std::string::npos) bar = aliases.size();
      auto phrase = Tokenize(aliases.substr(start, bar - start));
      if (!phrase.empty()) instrument.aliases.push_back(std::move(phrase));
      start = bar + 1;
    }
    if (instrument.aliases.empty()) return InvalidArgument(where + "needs at least one alias");
    table.instruments_.push_back(std::move(instrument));
  }
  if (!header_seen) return InvalidArgument("instruments: no header line");
  return table;
}

Result<InstrumentTable> InstrumentTable::LoadFile(const std::string& path) {
  auto text = ReadFileLimited(path, 4u << 20);
  if (!text.ok()) return text.status();
  return Parse(*text);
}

const Instrument* InstrumentTable::FindTicker(std::string_view ticker) const {
  std::string lower = Lower(ticker);
  for (const auto& instrument : instruments_) {
    if (Lower(instrument.ticker) == lower) return &instrument;
  }
  return nullptr;
}

std::vector<const Instrument*> InstrumentTable::ListingsOf(const std::string& company) const {
  std::vector<const Instrument*> listings;
  for (const auto& instrument : instruments_) {
    if (instrument.company == company) listings.push_back(&instrument);
  }
  return listings;
}

std::vector<Mention> InstrumentTable::FindMentions(const std::vector<std::string>& tokens, Language language) const {
  std::vector<Mention> mentions;
  std::vector<std::string> companies;
  auto add = [&](size_t position, const Instrument& instrument, const Instrument* first) {
    if (std::find(companies.begin(), companies.end(), instrument.company) != companies.end()) return;
    companies.push_back(instrument.company);
    Mention mention{position, ListingsOf(instrument.company)};
    // A ticker named explicitly comes first, so analytics use the share class the user asked about.
    if (first) {
      std::stable_partition(mention.listings.begin(), mention.listings.end(),
                            [first](const Instrument* listing) { return listing == first; });
    }
    mentions.push_back(std::move(mention));
  };
  size_t i = 0;
  while (i < tokens.size()) {
    // Longest alias phrase starting here.
    const Instrument* best = nullptr;
    size_t best_length = 0;
    for (const auto& instrument : instruments_) {
      for (const auto& alias : instrument.aliases) {
        if (alias.size() <= best_length || i + alias.size() > tokens.size()) continue;
        if (std::equal(alias.begin(), alias.end(), tokens.begin() + static_cast<std::ptrdiff_t>(i))) {
          best = &instrument;
          best_length = alias.size();
        }
      }
    }
    if (best) {
      add(i, *best, nullptr);
      i += best_length;
      continue;
    }
    // A ticker as one token ("petr4") or as letters then digits ("petr 4"), never a two-letter word.
    const Instrument* ticker = nullptr;
    size_t used = 1;
    // Tickers that are also everyday words of the question's language ("cost"; "meta" is Portuguese for goal)
    // match only through their aliases.
    static const std::set<std::string, std::less<>> kEnglishWords = {"cost", "pep", "all", "key"};
    static const std::set<std::string, std::less<>> kPortugueseWords = {"meta", "cost"};
    const auto& words = language == Language::kPortuguese ? kPortugueseWords : kEnglishWords;
    if (tokens[i].size() >= 3 && !IsStopword(tokens[i]) && !words.count(tokens[i])) {
      ticker = FindTicker(tokens[i]);
    }
    if (!ticker && i + 1 < tokens.size() && tokens[i].size() == 4 && IsDigits(tokens[i + 1])) {
      ticker = FindTicker(tokens[i] + tokens[i + 1]);
      used = 2;
    }
    if (ticker) add(i, *ticker, ticker);
    i += ticker ? used : 1;
  }
  return mentions;
}

}  // namespace maestro::analyst
