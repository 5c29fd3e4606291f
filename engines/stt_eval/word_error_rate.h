// Word error rate: the word-level Levenshtein alignment of a hypothesis against a reference.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace maestro::stt_eval {

struct WordErrors {
  size_t substitutions = 0;
  size_t deletions = 0;
  size_t insertions = 0;
  size_t reference_words = 0;

  size_t errors() const { return substitutions + deletions + insertions; }
  // errors / reference words; 0 for two empty transcripts, 1 per inserted word against an empty reference.
  double rate() const;
  WordErrors& operator+=(const WordErrors& other);
};

// The minimum-edit alignment of `hypothesis` to `reference` (unit costs). THREAD-SAFETY: pure.
WordErrors AlignWords(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis);

}  // namespace maestro::stt_eval
