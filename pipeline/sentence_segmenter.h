// SentenceSegmenter: cuts a stream of answer text into sentences as soon as each is complete, so speech
// synthesis can start on the first sentence while the language model is still writing the rest.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace maestro {

class SentenceSegmenter {
 public:
  // A sentence longer than `max_chars` is cut at its last space (or at the limit) so that a model that never
  // writes a full stop still reaches the listener in bounded pieces.
  explicit SentenceSegmenter(size_t max_chars = 300) : max_chars_(max_chars) {}

  // Appends `piece` and RETURNS the sentences it completed, in order, trimmed and never blank. A sentence is
  // complete at '.', '!', '?', ';', '…' or a newline followed by more text; a full stop inside a number (2.5),
  // after a single letter (U.S.) or after a known abbreviation (e.g., Mr., Sr.) does not end one.
  // THREAD-SAFETY: none; one segmenter per answer.
  std::vector<std::string> Push(std::string_view piece);

  // RETURNS what is left once the answer is complete (the last sentence, possibly without a full stop), trimmed;
  // empty when nothing but blanks remained.
  std::string Flush();

 private:
  // RETURNS the length of the first complete sentence in pending_, or 0 if there is none yet.
  size_t FindEnd() const;

  size_t max_chars_;
  std::string pending_;
};

}  // namespace maestro
