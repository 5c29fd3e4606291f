// AnswerGuard: keeps a language model's answer to what the facts say. Every number and every ticker in an
// answer must appear in the facts (or the question); anything else is reported, so the caller can drop it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace maestro::grounding {

class AnswerGuard {
 public:
  // `facts`: the texts an answer may take numbers and tickers from. `is_ticker` tells whether an upper-case word
  // is a listed ticker (B3 codes such as PETR4 are recognised by their shape alone).
  AnswerGuard(const std::vector<std::string>& facts, std::function<bool(std::string_view)> is_ticker);

  // RETURNS the numbers and tickers in `text` that appear in no fact, in order; empty when `text` is grounded.
  // Numbers match by their digits, so "46,33" (pt-BR) and "46.33" (en) are the same number, but 46.3 is not
  // 46.33. THREAD-SAFETY: const and safe to call concurrently.
  std::vector<std::string> Unsupported(std::string_view text) const;

 private:
  std::vector<std::string> allowed_numbers_;  // digit strings
  std::vector<std::string> allowed_tickers_;  // upper case
  std::function<bool(std::string_view)> is_ticker_;
};

}  // namespace maestro::grounding
