// RhvoiceSynthesizer: one RHVoice engine. Calls into RHVoice are serialized across the process.
#pragma once

#include <RHVoice.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/deadline.h"
#include "common/status.h"

namespace maestro::rhvoice {

struct SynthesizedSpeech {
  std::vector<int16_t> samples;
  int sample_rate = 0;
};

class RhvoiceSynthesizer {
 public:
  // RETURNS a synthesizer over the voices in `data_dir`, or kUnavailable when RHVoice finds none there.
  static Result<std::unique_ptr<RhvoiceSynthesizer>> Create(const std::string& data_dir, const std::string& config_dir);
  ~RhvoiceSynthesizer();
  RhvoiceSynthesizer(const RhvoiceSynthesizer&) = delete;
  RhvoiceSynthesizer& operator=(const RhvoiceSynthesizer&) = delete;

  // RETURNS the RHVoice profile for a voice name: pt-br and en-us aliases, or a profile RHVoice knows (any case);
  // empty when there is none.
  std::string ResolveProfile(const std::string& voice) const;

  // Speaks `text` (UTF-8) with `profile` at `rate` (relative, 1 = normal). RETURNS the samples, kDeadlineExceeded
  // when `deadline` passes, kPayloadTooLarge beyond `max_samples`, kInternal when RHVoice rejects the message.
  // THREAD-SAFETY: safe; syntheses of every synthesizer in the process run one at a time.
  Result<SynthesizedSpeech> Speak(const std::string& text, const std::string& profile, double rate,
                                  const Deadline& deadline, size_t max_samples);

 private:
  explicit RhvoiceSynthesizer(RHVoice_tts_engine engine);

  RHVoice_tts_engine engine_;
  std::vector<std::string> profiles_;
};

}  // namespace maestro::rhvoice
