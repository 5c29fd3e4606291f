#include "engines/grounding/guarded_answer.h"

#include <algorithm>
#include <sstream>

namespace maestro::grounding {
namespace {

size_t CountWords(const std::string& text) {
  std::istringstream words(text);
  size_t count = 0;
  for (std::string word; words >> word;) ++count;
  return count;
}

bool HasNumber(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

GuardedAnswer::GuardedAnswer(const AnswerGuard& guard, std::string fallback, size_t max_words,
                             std::function<bool(std::string_view)> emit)
    : guard_(guard), fallback_(std::move(fallback)), max_words_(max_words), emit_(std::move(emit)) {}

bool GuardedAnswer::Push(std::string_view piece) {
  if (!open_) return false;
  for (const auto& sentence : splitter_.Push(piece)) {
    if (!Accept(sentence)) break;
  }
  return open_;
}

bool GuardedAnswer::Accept(const std::string& sentence) {
  auto unsupported = guard_.Unsupported(sentence);
  const size_t words = CountWords(sentence);
  if (!unsupported.empty() || words_ + words > max_words_) {
    rejected_.insert(rejected_.end(), unsupported.begin(), unsupported.end());
    open_ = false;
    return false;
  }
  std::string piece = text_.empty() ? sentence : " " + sentence;
  text_ += piece;
  words_ += words;
  if (!emit_(piece)) open_ = false;
  return open_;
}

std::string GuardedAnswer::Finish() {
  if (open_) {
    std::string rest = splitter_.Flush();
    if (!rest.empty()) Accept(rest);
  }
  if (text_.empty()) {
    grounding_ = "analyst-fallback";
    text_ = fallback_;
    emit_(text_);
  } else if (HasNumber(fallback_) && !HasNumber(text_) && words_ + CountWords(fallback_) <= max_words_) {
    // The model kept to the facts but left out their figures, which are the answer: the analyst says them.
    grounding_ = "model+analyst-figures";
    text_ += " " + fallback_;
    emit_(" " + fallback_);
  } else if (!rejected_.empty()) {
    grounding_ = "model-trimmed";
  }
  open_ = false;
  return text_;
}

}  // namespace maestro::grounding
