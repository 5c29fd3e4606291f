// EspeakSynthesizer: the one thread in the process that may call libespeak-ng (its state is global and it
// crashes under concurrent use). Internal to engines/espeak.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/deadline.h"
#include "common/status.h"
#include "common/thread_pool.h"

namespace maestro::espeak {

struct SpeakJob {
  std::string text;
  std::string voice;  // already validated with IsKnownVoice
  int rate_wpm = 175;
  Deadline deadline = Deadline::Never();
  size_t max_samples = 0;  // stop (kPayloadTooLarge) when the speech grows beyond this
};

class EspeakSynthesizer {
 public:
  // The process-wide synthesizer, started on first use. It is never destroyed, so no engine can outlive it.
  static EspeakSynthesizer& Instance();

  // RETURNS whether `voice` ("en-us", "pt-br", "en-gb+f3", ...) names an installed voice (and variant).
  // THREAD-SAFETY: safe from any thread.
  bool IsKnownVoice(const std::string& voice) const;

  // Queues `job`; `done` later runs on the synthesis thread with 22050 Hz mono samples, or kInvalidArgument,
  // kDeadlineExceeded, kPayloadTooLarge, kInternal. RETURNS false (and never calls `done`) when `max_waiting`
  // jobs already wait. THREAD-SAFETY: safe from any thread.
  bool Submit(SpeakJob job, size_t max_waiting, std::function<void(Result<std::vector<int16_t>>)> done);

  size_t waiting() const { return thread_.queued(); }

 private:
  EspeakSynthesizer();
  Result<std::vector<int16_t>> Speak(const SpeakJob& job);

  ThreadPool thread_{1, 0, "espeak"};
  Status init_status_;
  // Language tag, lower case ("en-us", "pt-br", ...) -> the voice file name that espeak_SetVoiceByName
  // matches ("en-US", "pt-BR"); a voice's first (primary) language wins over other voices listing it.
  std::map<std::string, std::string> voice_files_;
  std::set<std::string> variants_;  // variant names ("f3", "klatt", ...)
};

}  // namespace maestro::espeak
