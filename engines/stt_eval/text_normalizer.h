// Transcript normalisation for word error rate: two transcripts that a listener would call the same words
// normalise to the same tokens.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace maestro::stt_eval {

// Splits `text` into canonical words:
//   - lower case; Latin accents folded ("Itaú" -> "itau"); "&" -> "and", "%" -> "percent";
//   - punctuation dropped, except an apostrophe inside a word ("what's") and a point or comma inside a number;
//   - hyphens split words ("forty-two" -> "forty two");
//   - numbers become digits whether written or spoken: "2024", "twenty twenty four" and "two thousand twenty four"
//     all give "2024"; "fourteen fifty five" gives "1455"; "1,000" gives "1000"; separate digits stay separate
//     ("five five" -> "5 5").
// THREAD-SAFETY: pure.
std::vector<std::string> NormalizeWords(std::string_view text);

// NormalizeWords joined by single spaces.
std::string NormalizeText(std::string_view text);

}  // namespace maestro::stt_eval
