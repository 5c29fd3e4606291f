// Decoding: any WAV, FLAC, OGG (Vorbis/Opus) or MP3 held in memory, at any sample rate and channel count,
// into the 16 kHz mono 16-bit PCM that speech recognisers take.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace maestro::audio {

inline constexpr int kSpeechSampleRate = 16000;

struct DecodeLimits {
  size_t max_bytes = 64u << 20;  // encoded input; larger is kPayloadTooLarge before any parsing
  double max_seconds = 300;      // decoded duration; longer is kPayloadTooLarge
};

struct DecodedAudio {
  std::vector<int16_t> samples;  // mono, kSpeechSampleRate
  int source_rate = 0;
  int source_channels = 0;
  std::string container;  // "wav", "flac", "ogg", "mp3", or libsndfile's name for another format it read

  double seconds() const { return static_cast<double>(samples.size()) / kSpeechSampleRate; }
};

// Decodes `bytes` to 16 kHz mono int16: channels are averaged, the rate converted with soxr (high quality).
// RETURNS kInvalidArgument for empty input, kPayloadTooLarge over `limits`, kUnsupportedMedia (with the
// decoder's reason) for bytes that are not audio, are truncated or corrupt, or hold no samples.
// THREAD-SAFETY: safe to call concurrently.
Result<DecodedAudio> DecodeToSpeechPcm(std::string_view bytes, const DecodeLimits& limits = {});

// Converts mono int16 `samples` from `from_rate` to `to_rate` with soxr (high quality).
// RETURNS the converted samples, or kInvalidArgument for a rate outside 1 kHz..768 kHz.
Result<std::vector<int16_t>> Resample(std::span<const int16_t> samples, int from_rate, int to_rate);

// Encodes 16-bit PCM `samples` (interleaved when channels > 1) as `container`: "wav", "flac", "ogg" (Vorbis)
// or "mp3" (mono only), through libsndfile. Tests use it to make inputs; servers answer with EncodeWav (audio/wav.h).
// RETURNS the file bytes, or kInvalidArgument for an unknown container or parameters libsndfile refuses.
Result<std::string> EncodeAs(std::string_view container, std::span<const int16_t> samples, int sample_rate,
                             int channels = 1);

}  // namespace maestro::audio
