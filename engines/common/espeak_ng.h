// EspeakNg: the one thread in the process that may call libespeak-ng (its state is global and it crashes under
// concurrent use). The `espeak` engine speaks through it; the `piper` engine turns text into phonemes with it.
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

// One clause of text as IPA phonemes (UTF-8), as eSpeak NG reads it, with the punctuation that ended it.
struct PhonemeClause {
  std::string phonemes;
  char terminator = 0;         // '.', ',', '?', '!', ':', ';' or 0 when the clause ended without punctuation
  bool ends_sentence = false;  // true after '.', '?', '!' and at the end of the text
};

class EspeakNg {
 public:
  // The process-wide instance, started on first use. It is never destroyed, so no engine can outlive it.
  static EspeakNg& Instance();

  EspeakNg(const EspeakNg&) = delete;
  EspeakNg& operator=(const EspeakNg&) = delete;

  // RETURNS whether `voice` ("en-us", "pt-br", "en-gb+f3", ...) names an installed voice (and variant).
  // THREAD-SAFETY: safe from any thread.
  bool IsKnownVoice(const std::string& voice) const;

  // Queues `job`; `done` later runs on the eSpeak thread with 22050 Hz mono samples, or kInvalidArgument,
  // kDeadlineExceeded, kPayloadTooLarge, kInternal. RETURNS false (and never calls `done`) when `max_waiting`
  // jobs already wait. THREAD-SAFETY: safe from any thread.
  bool Submit(SpeakJob job, size_t max_waiting, std::function<void(Result<std::vector<int16_t>>)> done);

  // Reads `text` (UTF-8) as `voice` does and RETURNS its clauses in IPA, in order, or kInvalidArgument for an
  // unknown voice, kInternal when eSpeak NG did not start. Blocks the caller until the eSpeak thread has done it.
  // THREAD-SAFETY: safe from any thread except the eSpeak thread itself.
  Result<std::vector<PhonemeClause>> Phonemize(const std::string& text, const std::string& voice);

  size_t waiting() const { return thread_.queued(); }

 private:
  EspeakNg();
  Result<std::vector<int16_t>> Speak(const SpeakJob& job);
  // RETURNS the name espeak_SetVoiceByName takes for `voice` ("pt-br+f3" -> "pt-BR+f3"), or "" when unknown.
  std::string VoiceName(const std::string& voice) const;
  Status SelectVoice(const std::string& voice);
  Result<std::vector<PhonemeClause>> ReadPhonemes(const std::string& text, const std::string& voice);

  ThreadPool thread_{1, 0, "espeak"};
  Status init_status_;
  // Language tag, lower case ("en-us", "pt-br", ...) -> the voice file name that espeak_SetVoiceByName
  // matches ("en-US", "pt-BR"); a voice's first (primary) language wins over other voices listing it.
  std::map<std::string, std::string> voice_files_;
  std::set<std::string> variants_;  // variant names ("f3", "klatt", ...)
};

}  // namespace maestro::espeak
