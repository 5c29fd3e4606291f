// SpeechToText: turns spoken audio into text. Implemented by engines (engines/) and by every transport's
// client (transport/<protocol>/), so a remote service and a local engine are interchangeable.
#pragma once

#include <string>

#include "common/deadline.h"
#include "domain/types.h"

namespace maestro {

class SpeechToText {
 public:
  SpeechToText() = default;
  SpeechToText(const SpeechToText&) = delete;
  SpeechToText& operator=(const SpeechToText&) = delete;
  virtual ~SpeechToText() = default;

  // Transcribes `clip`.
  // REQUIRES: `clip.bytes` is non-empty encoded audio; `done` is callable.
  // RETURNS: through `done`, exactly once, on any thread and possibly before Transcribe returns: the
  //   transcript, or kUnsupportedMedia / kInvalidArgument for audio it cannot read, kPayloadTooLarge over its
  //   limits, kDeadlineExceeded when `deadline` passes first, kUnavailable / kUpstreamError from a remote hop.
  // THREAD-SAFETY: safe to call concurrently; the object must outlive every pending call.
  virtual void Transcribe(AudioClip clip, Deadline deadline, Callback<Transcript> done) = 0;
};

}  // namespace maestro
