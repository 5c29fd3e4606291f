// SentenceSplitter: cuts a stream of text pieces (model tokens) into sentences as soon as each one ends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace maestro::grounding {

class SentenceSplitter {
 public:
  // Appends `piece`. RETURNS the sentences it completed, in order, each with its closing punctuation and without
  // surrounding whitespace. A sentence ends at '.', '!', '?' or a line break followed by whitespace, so the
  // decimal point of "46.33" never ends one. THREAD-SAFETY: none.
  std::vector<std::string> Push(std::string_view piece);

  // RETURNS the unfinished rest (possibly empty), trimmed, and clears it.
  std::string Flush();

 private:
  std::string pending_;
};

}  // namespace maestro::grounding
