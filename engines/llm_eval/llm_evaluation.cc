#include "engines/llm_eval/llm_evaluation.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "common/text.h"
#include "domain/blocking.h"
#include "engines/grounding/answer_guard.h"

namespace maestro::llm_eval {
namespace {

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

bool ContainsFact(const std::string& answer, const std::string& fact) {
  const std::string haystack = Lower(answer);
  std::string needle = Lower(fact);
  if (haystack.find(needle) != std::string::npos) return true;
  std::replace_if(
      needle.begin(), needle.end(), [](char c) { return c == '.' || c == ','; }, '#');
  std::string relaxed = haystack;
  std::replace_if(
      relaxed.begin(), relaxed.end(), [](char c) { return c == '.' || c == ','; }, '#');
  return relaxed.find(needle) != std::string::npos;
}

size_t CountNumbers(const std::string& text) {
  // Against no facts every number is unsupported; B3-shaped tickers are too, and are not numbers.
  auto items = grounding::AnswerGuard({}, nullptr).Unsupported(text);
  return static_cast<size_t>(std::count_if(items.begin(), items.end(), [](const std::string& item) {
    return std::isdigit(static_cast<unsigned char>(item[0])) != 0;
  }));
}

AnswerResult Ask(LanguageModel& model, const analyst::Analyst& analyst, const Question& question, double seconds) {
  AnswerResult result;
  result.question = question;
  const auto start = std::chrono::steady_clock::now();
  auto generation = GenerateBlocking(model, {.prompt = question.text},
                                     Deadline::In(std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000))));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!generation.ok()) {
    result.error = generation.status().ToString();
    result.missing_facts = question.facts;
    return result;
  }
  result.answer = generation->text;
  result.tokens = generation->generated_tokens;
  result.generation_seconds = generation->generation_seconds;
  result.answer_language = analyst::LanguageTag(analyst::DetectLanguage(result.answer));
  result.language_matches = result.answer_language == question.language && generation->language == question.language;
  for (const auto& fact : question.facts) {
    if (!ContainsFact(result.answer, fact)) result.missing_facts.push_back(fact);
  }
  auto context = analyst.RetrieveContext(question.text, analyst::DetectLanguage(question.text));
  std::vector<std::string> known = context.passages;
  known.push_back(context.answer);
  known.push_back(question.text);
  grounding::AnswerGuard guard(known, [&analyst](std::string_view word) { return analyst.IsTicker(word); });
  result.ungrounded = guard.Unsupported(result.answer);
  result.numbers = CountNumbers(result.answer);
  result.words = CountWords(result.answer);
  return result;
}

}  // namespace

Result<std::vector<Question>> ReadQuestions(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kNotFound, "cannot read " + path);
  std::vector<Question> questions;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    auto fields = Split(line, '\t');
    if (fields.size() != 3 || (fields[0] != "en" && fields[0] != "pt-BR") || fields[1].empty()) {
      return InvalidArgument(path + ":" + std::to_string(number) +
                             ": expected language(en|pt-BR)<TAB>question<TAB>fact|fact...");
    }
    questions.push_back({fields[0], fields[1], Split(fields[2], '|')});
    if (questions.size() > 10000) return InvalidArgument(path + ": more than 10000 questions");
  }
  if (questions.empty()) return InvalidArgument(path + ": no questions");
  return questions;
}

Evaluation Evaluate(LanguageModel& model, const analyst::Analyst& analyst, const std::vector<Question>& questions,
                    double seconds_per_answer) {
  Evaluation evaluation;
  for (const auto& question : questions)
    evaluation.answers.push_back(Ask(model, analyst, question, seconds_per_answer));
  return evaluation;
}

double Evaluation::FactAccuracy() const {
  size_t facts = 0, present = 0;
  for (const auto& answer : answers) {
    facts += answer.question.facts.size();
    present += answer.question.facts.size() - answer.missing_facts.size();
  }
  return facts == 0 ? 1.0 : static_cast<double>(present) / static_cast<double>(facts);
}

double Evaluation::UngroundedNumberRate() const {
  size_t numbers = 0, ungrounded = 0;
  for (const auto& answer : answers) {
    numbers += answer.numbers;
    for (const auto& item : answer.ungrounded) {
      if (!item.empty() && std::isdigit(static_cast<unsigned char>(item[0]))) ++ungrounded;
    }
  }
  return numbers == 0 ? 0.0 : static_cast<double>(ungrounded) / static_cast<double>(numbers);
}

double Evaluation::LanguageMatchRate() const {
  if (answers.empty()) return 0;
  auto matches = std::count_if(answers.begin(), answers.end(), [](const auto& a) { return a.language_matches; });
  return static_cast<double>(matches) / static_cast<double>(answers.size());
}

double Evaluation::MeanWords() const {
  if (answers.empty()) return 0;
  size_t words = 0;
  for (const auto& answer : answers) words += answer.words;
  return static_cast<double>(words) / static_cast<double>(answers.size());
}

size_t Evaluation::MaxWords() const {
  size_t most = 0;
  for (const auto& answer : answers) most = std::max(most, answer.words);
  return most;
}

double Evaluation::TokensPerSecond() const {
  double tokens = 0, seconds = 0;
  for (const auto& answer : answers) {
    tokens += answer.tokens;
    seconds += answer.generation_seconds;
  }
  return seconds > 0 ? tokens / seconds : 0;
}

size_t Evaluation::Errors() const {
  return static_cast<size_t>(
      std::count_if(answers.begin(), answers.end(), [](const auto& a) { return !a.error.empty(); }));
}

}  // namespace maestro::llm_eval
