#include "engines/stt_eval/word_error_rate.h"

#include <algorithm>

namespace maestro::stt_eval {

double WordErrors::rate() const {
  if (reference_words == 0) return static_cast<double>(errors());
  return static_cast<double>(errors()) / static_cast<double>(reference_words);
}

WordErrors& WordErrors::operator+=(const WordErrors& other) {
  substitutions += other.substitutions;
  deletions += other.deletions;
  insertions += other.insertions;
  reference_words += other.reference_words;
  return *this;
}

WordErrors AlignWords(const std::vector<std::string>& reference, const std::vector<std::string>& hypothesis) {
  const size_t rows = reference.size() + 1;
  const size_t cols = hypothesis.size() + 1;
  // cost[i][j]: edits to turn reference[0..i) into hypothesis[0..j).
  std::vector<size_t> cost(rows * cols);
  auto at = [cols](size_t i, size_t j) { return i * cols + j; };
  for (size_t i = 0; i < rows; ++i) cost[at(i, 0)] = i;
  for (size_t j = 0; j < cols; ++j) cost[at(0, j)] = j;
  for (size_t i = 1; i < rows; ++i) {
    for (size_t j = 1; j < cols; ++j) {
      const size_t substitute = cost[at(i - 1, j - 1)] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1);
      cost[at(i, j)] = std::min({substitute, cost[at(i - 1, j)] + 1, cost[at(i, j - 1)] + 1});
    }
  }
  WordErrors errors;
  errors.reference_words = reference.size();
  size_t i = reference.size();
  size_t j = hypothesis.size();
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && cost[at(i, j)] == cost[at(i - 1, j - 1)] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1)) {
      if (reference[i - 1] != hypothesis[j - 1]) ++errors.substitutions;
      --i;
      --j;
    } else if (i > 0 && cost[at(i, j)] == cost[at(i - 1, j)] + 1) {
      ++errors.deletions;
      --i;
    } else {
      ++errors.insertions;
      --j;
    }
  }
  return errors;
}

}  // namespace maestro::stt_eval
