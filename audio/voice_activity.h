// Voice activity: WebRTC's voice detector (Debian's libwebrtc-audio-processing, the AudioProcessing module's
// VoiceDetection component) classifies 10 ms frames of 16 kHz speech, and UtteranceDetector turns those verdicts
// into utterances: where speech starts and, after a stretch of silence, where it ends.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/status.h"

namespace maestro::audio {

inline constexpr int kVadSampleRate = 16000;
inline constexpr size_t kVadFrameSamples = 160;  // 10 ms

// One voice detector per audio stream (it keeps state across frames).
class VoiceDetector {
 public:
  // RETURNS kInternal when WebRTC's audio processing cannot be set up.
  static Result<std::unique_ptr<VoiceDetector>> Create();
  VoiceDetector(const VoiceDetector&) = delete;
  VoiceDetector& operator=(const VoiceDetector&) = delete;
  ~VoiceDetector();

  // RETURNS whether the 10 ms frame holds speech. REQUIRES: frame.size() == kVadFrameSamples, 16 kHz mono.
  // THREAD-SAFETY: none; one caller at a time.
  bool IsSpeech(std::span<const int16_t> frame);

  struct Impl;

 private:
  explicit VoiceDetector(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct UtteranceOptions {
  // WebRTC's detector calls the first ~100 ms voice while it has no estimate of the noise yet; its verdicts
  // are ignored this long after the stream starts.
  std::chrono::milliseconds warm_up{200};
  std::chrono::milliseconds start_speech{60};  // this much speech within start_window begins an utterance
  std::chrono::milliseconds start_window{100};
  std::chrono::milliseconds end_silence{600};      // this much silence after speech ends it
  std::chrono::milliseconds pre_roll{300};         // audio kept from before the start, so the first word is whole
  std::chrono::milliseconds max_utterance{15000};  // an utterance is cut here even if the speaker goes on
};

// Finds utterances in a stream of 16 kHz mono PCM fed in pieces of any size.
class UtteranceDetector {
 public:
  enum class Event { kNone, kSpeechStarted, kUtteranceEnded };

  UtteranceDetector(std::unique_ptr<VoiceDetector> detector, UtteranceOptions options);

  // Appends samples. RETURNS the events they caused, in order; after kUtteranceEnded, TakeUtterance() holds
  // the utterance's samples (pre-roll included, trailing silence excluded).
  std::vector<Event> Push(std::span<const int16_t> samples);
  // Ends the current utterance now (the speaker pressed stop). RETURNS false when none had started.
  bool EndNow();
  std::vector<int16_t> TakeUtterance() { return std::move(utterance_); }
  // The utterance being heard so far (pre-roll included), for partial transcripts; empty outside speech.
  std::span<const int16_t> heard() const { return current_; }
  bool in_speech() const { return in_speech_; }

 private:
  Event OnFrame(std::span<const int16_t> frame);

  std::unique_ptr<VoiceDetector> detector_;
  UtteranceOptions options_;
  std::vector<int16_t> partial_;    // samples short of a whole frame
  std::vector<int16_t> recent_;     // pre-roll ring while waiting for speech
  std::vector<bool> recent_votes_;  // the last start_window's verdicts
  std::vector<int16_t> current_;    // the utterance being heard
  std::vector<int16_t> utterance_;  // the last one that ended
  bool in_speech_ = false;
  size_t frames_seen_ = 0;
  size_t silent_frames_ = 0;
};

}  // namespace maestro::audio
