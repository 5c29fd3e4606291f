// Greedy decoding of one encoded 30 s window, the way whisper_full decodes it at temperature 0 without
// timestamps, but reading the encoder pass already in the state instead of running the encoder again.
#pragma once

#include <whisper.h>

#include <string>
#include <vector>

#include "common/deadline.h"
#include "common/status.h"

namespace maestro::whisper {

struct GreedyTranscript {
  std::string text;
  // false when whisper_full would retry at a higher temperature: the decoder looped (no end of text within
  // half the text context), repeated itself (low entropy), or was unsure (mean log-probability below -1)
  // while the audio did not look like silence. The caller then decodes again with whisper_full.
  bool reliable = true;
};

class GreedyDecoder {
 public:
  // Tokenises `prompt` (a vocabulary hint, may be empty) and the non-speech tokens whisper_full suppresses.
  // REQUIRES: `context` outlives the decoder.
  GreedyDecoder(whisper_context* context, const std::string& prompt);

  // Decodes the window encoded in `state` as speech in `language` ("pt" or "en").
  // REQUIRES: EncodeFirstWindow was called on `state`; one thread uses `state` at a time.
  // RETURNS the transcript; kDeadlineExceeded when `deadline` passes between tokens; kInternal if whisper.cpp
  // fails. THREAD-SAFETY: const; concurrent calls on different states are safe.
  Result<GreedyTranscript> Decode(whisper_state* state, const std::string& language, int threads,
                                  const Deadline& deadline) const;

 private:
  std::vector<whisper_token> Prompt(const std::string& language) const;
  // Sets the scores of tokens a transcript may not contain (special tokens, timestamps, non-speech symbols;
  // end of text and a bare space as the first token) to -infinity.
  void Suppress(std::vector<float>& logits, bool first_token) const;

  whisper_context* context_;
  std::vector<whisper_token> prompt_tokens_;
  std::vector<whisper_token> suppressed_;
  whisper_token blank_ = -1;
};

}  // namespace maestro::whisper
