// GuardedAnswer: turns a model's raw token stream into what the user may hear. Sentences pass one by one through
// the AnswerGuard and the 50-word limit; the first sentence that cites a number or ticker found in no fact ends
// the answer. When nothing grounded was said, the analyst's own answer replaces the model's.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engines/grounding/answer_guard.h"
#include "engines/grounding/sentence_splitter.h"

namespace maestro::grounding {

class GuardedAnswer {
 public:
  // `emit` receives each accepted sentence (with a separating space after the first) and returns false to stop.
  GuardedAnswer(const AnswerGuard& guard, std::string fallback, size_t max_words,
                std::function<bool(std::string_view)> emit);

  // Feeds one raw piece of model output. RETURNS false once no more output is wanted (the answer is complete,
  // was cut by the guard or the word limit, or `emit` asked to stop).
  bool Push(std::string_view piece);

  // Ends the answer after the model stopped. RETURNS the text the user received.
  std::string Finish();

  // "model" when every sentence was the model's, "model-trimmed" when ungrounded sentences were cut after
  // grounded ones, "analyst-fallback" when the analyst's answer replaced the model's, "model+analyst-figures"
  // when the model left out every figure of the facts and the analyst's answer followed it.
  const std::string& grounding() const { return grounding_; }
  // The numbers and tickers the guard rejected, for the metadata.
  const std::vector<std::string>& rejected() const { return rejected_; }

 private:
  bool Accept(const std::string& sentence);

  const AnswerGuard& guard_;
  std::string fallback_;
  size_t max_words_;
  std::function<bool(std::string_view)> emit_;
  SentenceSplitter splitter_;
  std::string text_;
  size_t words_ = 0;
  bool open_ = true;
  std::string grounding_ = "model";
  std::vector<std::string> rejected_;
};

}  // namespace maestro::grounding
