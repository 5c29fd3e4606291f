#include "engines/grounding/guarded_answer.h"

#include "common/text.h"

namespace maestro::grounding {
namespace {

// A figure is what a finance answer is about: a percentage or a number with decimals (a price, a return), as
// opposed to a year or a count.
bool HasFigure(const std::string& text) {
  auto digit = [&](size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') return true;
    if ((text[i] == '.' || text[i] == ',') && i > 0 && digit(i - 1) && digit(i + 1)) return true;
  }
  return false;
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
  } else if (HasFigure(fallback_) && !HasFigure(text_) && words_ + CountWords(fallback_) <= max_words_) {
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
