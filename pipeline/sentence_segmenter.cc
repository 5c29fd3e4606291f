#include "pipeline/sentence_segmenter.h"

#include <algorithm>
#include <cctype>
#include <iterator>

namespace maestro {
namespace {

bool IsSpace(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string Trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  return std::string(text.substr(begin, end - begin));
}

// Words after which a full stop rarely ends the sentence (English and Portuguese).
bool IsAbbreviation(std::string_view word) {
  static constexpr std::string_view kWords[] = {"mr", "mrs", "ms", "dr", "vs", "sr", "sra", "approx", "inc", "ltd"};
  std::string lower(word);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower.size() == 1 || lower.find('.') != std::string::npos ||
         std::find(std::begin(kWords), std::end(kWords), lower) != std::end(kWords);
}

// The word that ends right before `dot` (letters and inner dots).
std::string_view WordBefore(std::string_view text, size_t dot) {
  size_t begin = dot;
  while (begin > 0 && !IsSpace(text[begin - 1])) --begin;
  return text.substr(begin, dot - begin);
}

}  // namespace

size_t SentenceSegmenter::FindEnd() const {
  const std::string_view text = pending_;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' && !Trim(text.substr(0, i)).empty()) return i + 1;
    const bool ellipsis = text.compare(i, 3, "\xE2\x80\xA6") == 0;  // U+2026
    const size_t mark = ellipsis ? 3 : 1;
    if (!ellipsis && c != '.' && c != '!' && c != '?' && c != ';') continue;
    // Closing quotes and brackets belong to the sentence they end.
    size_t after = i + mark;
    while (after < text.size() && (text[after] == '"' || text[after] == ')' || text[after] == '\'')) ++after;
    if (after >= text.size()) return 0;  // the next piece decides
    if (!IsSpace(text[after])) continue;
    if (c == '.' && !ellipsis && IsAbbreviation(WordBefore(text, i))) continue;
    return after;
  }
  if (text.size() > max_chars_) {
    size_t cut = text.rfind(' ', max_chars_);
    return cut == std::string_view::npos || cut == 0 ? max_chars_ : cut + 1;
  }
  return 0;
}

std::vector<std::string> SentenceSegmenter::Push(std::string_view piece) {
  pending_.append(piece);
  std::vector<std::string> sentences;
  for (size_t end = FindEnd(); end > 0; end = FindEnd()) {
    std::string sentence = Trim(std::string_view(pending_).substr(0, end));
    pending_.erase(0, end);
    if (!sentence.empty()) sentences.push_back(std::move(sentence));
  }
  return sentences;
}

std::string SentenceSegmenter::Flush() {
  std::string rest = Trim(pending_);
  pending_.clear();
  return rest;
}

}  // namespace maestro
