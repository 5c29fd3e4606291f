#include "engines/grounding/answer_guard.h"

#include <algorithm>
#include <cctype>

namespace maestro::grounding {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// The numbers in `text` as written ("1.234,56") and as their digits ("123456"). A separator belongs to a number
// only between two digits, so a sentence's final period does not.
std::vector<std::pair<std::string, std::string>> Numbers(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> numbers;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i]) || (i > 0 && IsWordChar(text[i - 1]))) {
      ++i;
      continue;
    }
    size_t end = i;
    std::string digits;
    while (end < text.size()) {
      if (IsDigit(text[end])) {
        digits += text[end++];
      } else if ((text[end] == '.' || text[end] == ',') && end + 1 < text.size() && IsDigit(text[end + 1])) {
        ++end;
      } else {
        break;
      }
    }
    // A word such as "PETR4" or "B3" is a ticker, not a number: skip digits glued to letters.
    if (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) {
      i = end;
      continue;
    }
    numbers.emplace_back(std::string(text.substr(i, end - i)), digits);
    i = end;
  }
  return numbers;
}

// Upper-case words of 2..6 letters followed by at most two digits ("PETR4", "AAPL", "BBAS3").
std::vector<std::string> TickerShapedWords(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsWordChar(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && IsWordChar(text[end])) ++end;
    std::string_view word = text.substr(i, end - i);
    size_t letters = 0;
    while (letters < word.size() && IsUpper(word[letters])) ++letters;
    const size_t digits = word.size() - letters;
    const bool digits_only_after =
        std::all_of(word.begin() + static_cast<long>(letters), word.end(), [](char c) { return IsDigit(c); });
    if (letters >= 2 && letters <= 6 && digits <= 2 && digits_only_after) words.emplace_back(word);
    i = end;
  }
  return words;
}

bool IsB3Code(std::string_view word) {
  return word.size() >= 5 && word.size() <= 6 && std::all_of(word.begin(), word.begin() + 4, IsUpper) &&
         std::all_of(word.begin() + 4, word.end(), IsDigit);
}

bool Contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

AnswerGuard::AnswerGuard(const std::vector<std::string>& facts, std::function<bool(std::string_view)> is_ticker)
    : is_ticker_(std::move(is_ticker)) {
  for (const auto& fact : facts) {
    for (auto& [written, digits] : Numbers(fact)) allowed_numbers_.push_back(digits);
    for (auto& word : TickerShapedWords(fact)) allowed_tickers_.push_back(word);
  }
}

std::vector<std::string> AnswerGuard::Unsupported(std::string_view text) const {
  std::vector<std::string> unsupported;
  for (auto& [written, digits] : Numbers(text)) {
    if (!Contains(allowed_numbers_, digits)) unsupported.push_back(written);
  }
  for (auto& word : TickerShapedWords(text)) {
    const bool ticker = IsB3Code(word) || (is_ticker_ && is_ticker_(word));
    if (ticker && !Contains(allowed_tickers_, word)) unsupported.push_back(word);
  }
  return unsupported;
}

}  // namespace maestro::grounding
