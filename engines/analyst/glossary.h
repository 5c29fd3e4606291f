// Glossary: the project's own financial definitions, in English and Brazilian Portuguese, retrieved with BM25.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engines/analyst/bm25.h"
#include "engines/analyst/text.h"

namespace maestro::analyst {

struct GlossaryEntry {
  std::string id;                  // "fixed-income"
  std::vector<std::string> terms;  // names as written, both languages: "fixed income", "renda fixa"
  std::string en;                  // at most 24 words, so that two fit in one 50-word answer
  std::string pt;
  std::vector<std::vector<std::string>> term_tokens;  // normalised `terms`

  const std::string& Text(Language language) const { return language == Language::kPortuguese ? pt : en; }
};

class Glossary {
 public:
  static constexpr int kMaxDefinitionWords = 24;

  // Parses a YAML list of {id, terms: [..], en: "..", pt: ".."}. RETURNS kInvalidArgument naming the entry for a
  // missing field, a duplicate id, or a definition longer than kMaxDefinitionWords.
  static Result<Glossary> Parse(const std::string& yaml);
  static Result<Glossary> LoadFile(const std::string& path);

  // RETURNS up to `limit` entries ranked by BM25 over their terms (weighted) and both definitions.
  // THREAD-SAFETY: safe to call concurrently.
  std::vector<const GlossaryEntry*> Search(const std::vector<std::string>& tokens, size_t limit) const;

  // RETURNS the best BM25 entry that the question actually names (one of its terms' content words appears in
  // `tokens`), or nullptr: the guard that keeps the analyst from answering with a merely similar definition.
  const GlossaryEntry* Lookup(const std::vector<std::string>& tokens) const;

  const std::vector<GlossaryEntry>& entries() const { return entries_; }

 private:
  std::vector<GlossaryEntry> entries_;
  Bm25Index index_;
};

// RETURNS `tokens` without stopwords.
std::vector<std::string> ContentTokens(const std::vector<std::string>& tokens);

}  // namespace maestro::analyst
