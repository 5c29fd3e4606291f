// Decoder: one pocketsphinx recogniser (acoustic model + language model + dictionary). Not thread-safe, as
// ps_decoder_t is not: the engine gives each worker thread its own.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "common/deadline.h"
#include "common/status.h"

struct ps_decoder_s;

namespace maestro::pocketsphinx {

struct DecoderPaths {
  std::string hmm;             // acoustic model folder
  std::string lm;              // ARPA text or binary (.lm.bin)
  std::string dict;            // pronunciation dictionary
  double language_weight = 0;  // pocketsphinx -lw; 0 keeps its default (6.5)
};

struct Recognition {
  std::string text;
  int32_t score = 0;  // path score (log base 1.0001)
  int frames = 0;     // 10 ms frames decoded
  // Language-model score of the best path per word, including the end of sentence (log base 1.0001, <= 0):
  // speech the LM can explain scores near 0; words forced onto speech it cannot explain score far below.
  double language_per_word = 0;
};

class Decoder {
 public:
  // RETURNS a decoder, or kInternal naming the files pocketsphinx could not load.
  static Result<std::unique_ptr<Decoder>> Create(const DecoderPaths& paths);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Recognises one utterance of 16 kHz mono `samples`.
  // RETURNS the words (possibly empty for silence), or kDeadlineExceeded when `deadline` passes mid-way.
  // THREAD-SAFETY: one caller at a time.
  Result<Recognition> Decode(std::span<const int16_t> samples, const Deadline& deadline);

 private:
  explicit Decoder(ps_decoder_s* decoder) : decoder_(decoder) {}
  ps_decoder_s* decoder_;
};

}  // namespace maestro::pocketsphinx
