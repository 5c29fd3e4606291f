// LLM evaluation: how well a language model answers finance questions from the facts it is given.
// A question file is TSV, one question per line: language<TAB>question<TAB>facts, where facts is a '|'-separated
// list of strings the answer must contain (case-insensitive; a number also matches with the other decimal
// separator, "34.90" = "34,90"). Lines starting with '#' are comments.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "domain/language_model.h"
#include "engines/analyst/analyst.h"

namespace maestro::llm_eval {

struct Question {
  std::string language;  // "en" or "pt-BR"
  std::string text;
  std::vector<std::string> facts;
};

// RETURNS the questions of `path`, or kNotFound / kInvalidArgument naming the file and line.
Result<std::vector<Question>> ReadQuestions(const std::string& path);

struct AnswerResult {
  Question question;
  std::string answer;
  std::string answer_language;
  std::string error;                       // non-empty when the engine failed
  std::vector<std::string> missing_facts;  // required facts absent from the answer
  std::vector<std::string> ungrounded;     // numbers and tickers in the answer found in no retrieved fact
  size_t numbers = 0;                      // numbers in the answer
  size_t words = 0;
  bool language_matches = false;
  double seconds = 0;
  int tokens = 0;                 // generated tokens, when the engine counts them
  double generation_seconds = 0;  // time spent generating them
};

struct Evaluation {
  std::vector<AnswerResult> answers;
  double FactAccuracy() const;          // required facts present / required facts
  double UngroundedNumberRate() const;  // ungrounded numbers / numbers in answers
  double LanguageMatchRate() const;
  double MeanWords() const;
  size_t MaxWords() const;
  size_t Errors() const;
  double TokensPerSecond() const;  // 0 when the engine does not count tokens
};

// Asks `model` every question, one at a time, each with `seconds_per_answer` of budget, and checks the answers
// against the question's facts and against what `analyst` retrieves for it.
Evaluation Evaluate(LanguageModel& model, const analyst::Analyst& analyst, const std::vector<Question>& questions,
                    double seconds_per_answer);

}  // namespace maestro::llm_eval
