#include "engines/stt_eval/text_normalizer.h"

#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>

#include "common/number_words.h"
#include "common/text.h"

namespace maestro::stt_eval {
namespace {

// Lower-cases, folds accents and keeps only letters, digits, apostrophes, points and commas (cleaned later).
std::string Clean(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0xC3 && i + 1 < text.size()) {
      const char folded = FoldLatin1(static_cast<unsigned char>(text[++i]));
      out += folded == '\0' ? ' ' : folded;
    } else if (c >= 0x80) {
      out += ' ';
    } else if (std::isalnum(c) || c == '\'' || c == '.' || c == ',') {
      out += static_cast<char>(std::tolower(c));
    } else if (c == '&') {
      out += " and ";
    } else if (c == '%') {
      out += " percent ";
    } else {
      out += ' ';
    }
  }
  return out;
}

// Keeps '.' and ',' only between digits (dropping a thousands comma), and apostrophes only inside words.
std::string TidyToken(const std::string& raw) {
  std::string token;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    const bool digit_before = i > 0 && std::isdigit(static_cast<unsigned char>(raw[i - 1]));
    const bool digit_after = i + 1 < raw.size() && std::isdigit(static_cast<unsigned char>(raw[i + 1]));
    const bool alpha_before = i > 0 && std::isalpha(static_cast<unsigned char>(raw[i - 1]));
    const bool alpha_after = i + 1 < raw.size() && std::isalpha(static_cast<unsigned char>(raw[i + 1]));
    if (c == ',') continue;  // "1,000" -> "1000"; a comma elsewhere is punctuation
    if (c == '.' && !(digit_before && digit_after)) continue;
    if (c == '\'' && !(alpha_before && alpha_after)) continue;
    token += c;
  }
  return token;
}

// The shared English table (common/number_words.h), split by the part each word plays in a cardinal.
template <typename Value>
std::map<std::string, Value> WordsOf(std::initializer_list<NumberWord::Kind> kinds) {
  std::map<std::string, Value> words;
  for (const auto& number : kEnglishNumberWords) {
    for (auto kind : kinds) {
      if (number.kind == kind) words.emplace(number.word, static_cast<Value>(number.value));
    }
  }
  return words;
}

const std::map<std::string, int>& Units() {  // 0..19
  static const auto units = WordsOf<int>({NumberWord::kUnit, NumberWord::kTeen});
  return units;
}

const std::map<std::string, int>& Tens() {
  static const auto tens = WordsOf<int>({NumberWord::kTens});
  return tens;
}

const std::map<std::string, int64_t>& Scales() {
  static const auto scales = WordsOf<int64_t>({NumberWord::kScale});
  return scales;
}

bool IsNumberWord(const std::string& word) {
  return Units().contains(word) || Tens().contains(word) || word == "hundred" || Scales().contains(word);
}

struct Parsed {
  int64_t value = 0;
  size_t next = 0;
  bool plain_pair = false;  // a lone 10..99 group ("twenty", "fourteen", "fifty five"): may start a year
};

// Parses the longest cardinal starting at words[at] ("two thousand twenty four", "one hundred and five").
// A second unit or a tens word after a group that already has units starts a new number.
std::optional<Parsed> ParseCardinal(const std::vector<std::string>& words, size_t at) {
  int64_t total = 0;
  int64_t current = 0;
  bool any = false;
  bool scaled = false;
  bool last_was_unit = false;  // the group ends in a unit or teen, so no further unit may follow
  size_t i = at;
  while (i < words.size()) {
    const std::string& word = words[i];
    if (auto unit = Units().find(word); unit != Units().end()) {
      if (last_was_unit || (current % 100 != 0 && current % 10 != 0) || (current % 100 >= 10 && unit->second >= 10)) {
        break;
      }
      current += unit->second;
      last_was_unit = true;
    } else if (auto ten = Tens().find(word); ten != Tens().end()) {
      if (current % 100 != 0) break;
      current += ten->second;
      last_was_unit = false;
    } else if (word == "hundred") {
      if (current % 100 == 0 && current != 0) break;
      current = (current == 0 ? 1 : current) * 100;
      scaled = true;
      last_was_unit = false;
    } else if (auto scale = Scales().find(word); scale != Scales().end()) {
      if (!any) break;
      total += (current == 0 ? 1 : current) * scale->second;
      current = 0;
      scaled = true;
      last_was_unit = false;
    } else if (word == "and" && any && scaled && current % 100 == 0 && i + 1 < words.size() &&
               (Units().contains(words[i + 1]) || Tens().contains(words[i + 1]))) {
      // "one hundred and five": the "and" belongs to the number.
    } else {
      break;
    }
    any = true;
    ++i;
  }
  if (!any) return std::nullopt;
  Parsed parsed;
  parsed.value = total + current;
  parsed.next = i;
  parsed.plain_pair = !scaled && parsed.value >= 10 && parsed.value <= 99;
  return parsed;
}

std::vector<std::string> NumbersToDigits(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < words.size()) {
    if (!IsNumberWord(words[i])) {
      out.push_back(words[i++]);
      continue;
    }
    auto first = ParseCardinal(words, i);
    if (!first) {
      out.push_back(words[i++]);
      continue;
    }
    int64_t value = first->value;
    size_t next = first->next;
    // Years and similar pairs: "twenty twenty four" = 2024, "fourteen fifty five" = 1455, "nineteen oh five".
    if (first->plain_pair && next < words.size()) {
      if (words[next] == "oh" && next + 1 < words.size()) {
        auto unit = Units().find(words[next + 1]);
        if (unit != Units().end() && unit->second >= 1 && unit->second <= 9) {
          value = value * 100 + unit->second;
          next += 2;
        }
      } else if (auto second = ParseCardinal(words, next); second && second->plain_pair) {
        value = value * 100 + second->value;
        next = second->next;
      }
    }
    out.push_back(std::to_string(value));
    i = next;
  }
  return out;
}

}  // namespace

std::vector<std::string> NormalizeWords(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : Clean(text) + " ") {
    if (c == ' ') {
      if (!current.empty()) {
        std::string token = TidyToken(current);
        if (!token.empty()) words.push_back(std::move(token));
      }
      current.clear();
    } else {
      current += c;
    }
  }
  return NumbersToDigits(words);
}

std::string NormalizeText(std::string_view text) {
  std::string joined;
  for (const auto& word : NormalizeWords(text)) joined += (joined.empty() ? "" : " ") + word;
  return joined;
}

}  // namespace maestro::stt_eval
