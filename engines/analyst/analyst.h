// Analyst: the embedded, grounded financial question answerer behind the `analyst` LLM engine.
//
// It is NOT a neural model. It recognises a small set of question kinds with keyword rules (ticker lookup,
// best/worst ranking, return, volatility, drawdown, comparison, last price, glossary definitions and
// differences), answers each from its knowledge base only (an instrument table, a BM25-retrieved glossary and a
// daily price history), and refuses honestly when it cannot ground a question. Answers are at most 50 words, in
// the question's language (English, or Brazilian Portuguese), with exact numbers and their sources.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/types.h"
#include "engines/analyst/glossary.h"
#include "engines/analyst/instruments.h"
#include "engines/analyst/prices.h"
#include "engines/analyst/text.h"

namespace maestro::analyst {

inline constexpr int kMaxAnswerWords = 50;
inline constexpr const char* kSyntheticPricesFile = "prices_synthetic_2024.csv";

struct AnalystConfig {
  std::string knowledge_dir;  // holds instruments.csv, glossary.yaml and the synthetic prices; see DefaultKnowledgeDir
  std::string prices_path;    // a user's price CSV; empty uses the synthetic sample in knowledge_dir
};

// What the analyst knows about a question, for a language model to answer from (engines/openai, engines/llama).
struct RetrievedContext {
  Language language = Language::kEnglish;  // the question's
  bool grounded = false;                   // true when the analyst itself could answer
  std::vector<std::string> passages;       // facts and glossary definitions, most relevant first
  std::vector<std::string> sources;
  std::string answer;  // the analyst's own answer (or refusal), in the question's language
};

// $MAESTRO_DATA_DIR/knowledge when that variable is set, else the source tree's data/knowledge.
std::string DefaultKnowledgeDir();

class Analyst {
 public:
  // Loads the knowledge base. RETURNS kNotFound / kInvalidArgument naming the file that is missing or malformed.
  static Result<std::unique_ptr<Analyst>> Create(const AnalystConfig& config);
  Analyst(InstrumentTable instruments, Glossary glossary, PriceHistory prices);

  // RETURNS the grounded answer (or an honest refusal) with Generation.language and Generation.sources set.
  // THREAD-SAFETY: const and safe to call concurrently.
  Generation Answer(std::string_view question) const;

  // RETURNS the facts the analyst would answer from, written in `passage_language`, plus the glossary passages
  // BM25 ranks highest, and the analyst's own answer in the question's language.
  // THREAD-SAFETY: const and safe to call concurrently.
  RetrievedContext RetrieveContext(std::string_view question, Language passage_language = Language::kEnglish) const;

  // RETURNS true when `word` is the ticker of a listed instrument (case-insensitive).
  bool IsTicker(std::string_view word) const { return instruments_.FindTicker(word) != nullptr; }

  const PriceHistory& prices() const { return prices_; }

 private:
  struct Draft {
    bool grounded = false;
    std::string text;
    std::vector<std::string> sources;
  };
  // Understands `tokens` (a question in `question_language`) and drafts the answer in `language`.
  Draft Respond(const std::vector<std::string>& tokens, Language question_language, Language language) const;

  InstrumentTable instruments_;
  Glossary glossary_;
  PriceHistory prices_;
};

}  // namespace maestro::analyst
