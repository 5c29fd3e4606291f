// PronunciationDictionary: the pocketsphinx dictionary for a language model's words, cut from CMUdict.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace maestro::pocketsphinx {

// Picks every pronunciation ("word", "word(2)", ...) of each word in `words` from `dictionaries`, searched in
// order: the first dictionary that knows a word supplies all of that word's pronunciations.
// RETURNS the dictionary text (sorted, one pronunciation a line), or kInvalidArgument listing the words that no
// dictionary knows. THREAD-SAFETY: pure.
Result<std::string> SelectPronunciations(const std::set<std::string>& words,
                                         const std::vector<std::string_view>& dictionaries);

}  // namespace maestro::pocketsphinx
