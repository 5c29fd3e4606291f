// The English cardinal number words, one table for every parser of spoken numbers (transcript normalisation for
// word error rate, the analyst's question reader).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace maestro {

struct NumberWord {
  enum Kind { kUnit, kTeen, kTens, kHundred, kScale };
  std::string_view word;
  int64_t value;
  Kind kind;  // kUnit 0..9, kTeen 10..19, kTens 20..90, kHundred 100, kScale 1000 and up
};

// "zero" .. "nineteen", the tens, "hundred", "thousand", "million", "billion", in that order.
inline constexpr std::array<NumberWord, 32> kEnglishNumberWords = {{
    {"zero", 0, NumberWord::kUnit},
    {"one", 1, NumberWord::kUnit},
    {"two", 2, NumberWord::kUnit},
    {"three", 3, NumberWord::kUnit},
    {"four", 4, NumberWord::kUnit},
    {"five", 5, NumberWord::kUnit},
    {"six", 6, NumberWord::kUnit},
    {"seven", 7, NumberWord::kUnit},
    {"eight", 8, NumberWord::kUnit},
    {"nine", 9, NumberWord::kUnit},
    {"ten", 10, NumberWord::kTeen},
    {"eleven", 11, NumberWord::kTeen},
    {"twelve", 12, NumberWord::kTeen},
    {"thirteen", 13, NumberWord::kTeen},
    {"fourteen", 14, NumberWord::kTeen},
    {"fifteen", 15, NumberWord::kTeen},
    {"sixteen", 16, NumberWord::kTeen},
    {"seventeen", 17, NumberWord::kTeen},
    {"eighteen", 18, NumberWord::kTeen},
    {"nineteen", 19, NumberWord::kTeen},
    {"twenty", 20, NumberWord::kTens},
    {"thirty", 30, NumberWord::kTens},
    {"forty", 40, NumberWord::kTens},
    {"fifty", 50, NumberWord::kTens},
    {"sixty", 60, NumberWord::kTens},
    {"seventy", 70, NumberWord::kTens},
    {"eighty", 80, NumberWord::kTens},
    {"ninety", 90, NumberWord::kTens},
    {"hundred", 100, NumberWord::kHundred},
    {"thousand", 1000, NumberWord::kScale},
    {"million", 1000000, NumberWord::kScale},
    {"billion", 1000000000, NumberWord::kScale},
}};

}  // namespace maestro
