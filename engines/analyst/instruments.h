// InstrumentTable: the listed companies the analyst knows (ticker, company, exchange, sector, share class), and
// how to find the ones a question mentions, by ticker or by name, as typed or as speech recognition writes them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engines/analyst/text.h"

namespace maestro::analyst {

struct Instrument {
  std::string ticker;                             // "PETR4"
  std::string company;                            // "Petrobras (Petróleo Brasileiro S.A.)"
  std::string exchange;                           // "B3", "NASDAQ", "NYSE"
  std::string sector;                             // "Oil & Gas"
  std::string share_class;                        // "preferred", "common", "unit", ...
  std::vector<std::vector<std::string>> aliases;  // normalised token phrases that name the company
};

// A company named in a question, with all its listings (table order: the first is the main one).
struct Mention {
  size_t position = 0;  // token index where the mention starts
  std::vector<const Instrument*> listings;
};

class InstrumentTable {
 public:
  // Parses CSV with the header ticker,company,exchange,sector,share_class,aliases. `aliases` is a '|'-separated list
  // of names; listings of one company share the same `company` text. RETURNS kInvalidArgument naming the line.
  static Result<InstrumentTable> Parse(std::string_view csv);
  static Result<InstrumentTable> LoadFile(const std::string& path);

  // RETURNS the listing with `ticker` (case-insensitive), or nullptr.
  const Instrument* FindTicker(std::string_view ticker) const;
  // RETURNS the companies named in `tokens` (see NormalizeQuestion), in order of appearance, each once. Tickers
  // of three or more characters match, also split as speech writes them ("petr 4"), unless they are everyday words
  // of `language`; names match longest first.
  std::vector<Mention> FindMentions(const std::vector<std::string>& tokens, Language language) const;

  const std::vector<Instrument>& instruments() const { return instruments_; }

 private:
  std::vector<const Instrument*> ListingsOf(const std::string& company) const;

  std::vector<Instrument> instruments_;
};

}  // namespace maestro::analyst
