// TextToSpeech: speaks text as a WAV file. Implemented by engines and by every transport's client.
#pragma once

#include "common/deadline.h"
#include "domain/types.h"

namespace maestro {

class TextToSpeech {
 public:
  TextToSpeech() = default;
  TextToSpeech(const TextToSpeech&) = delete;
  TextToSpeech& operator=(const TextToSpeech&) = delete;
  virtual ~TextToSpeech() = default;

  // Synthesizes `request.text`.
  // REQUIRES: `request.text` is valid UTF-8; `done` is callable.
  // RETURNS: through `done`, exactly once, on any thread and possibly before Synthesize returns: a complete
  //   16-bit PCM WAV file, or kInvalidArgument for empty or oversized text or an unknown voice,
  //   kDeadlineExceeded when `deadline` passes first, kUnavailable / kUpstreamError from a remote hop.
  // THREAD-SAFETY: safe to call concurrently; the object must outlive every pending call.
  virtual void Synthesize(SynthesisRequest request, Deadline deadline, Callback<SpeechAudio> done) = 0;
};

}  // namespace maestro
