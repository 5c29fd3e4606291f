// WAV encoding and container sniffing: the small, dependency-free part of audio handling that every
// process needs (decoding to PCM lives in audio/decode.h).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace maestro::audio {

// RETURNS a complete RIFF/WAVE file of 16-bit PCM `samples` (interleaved when channels > 1).
std::string EncodeWav(std::span<const int16_t> samples, int sample_rate, int channels = 1);

// The PCM inside a 16-bit PCM WAV file.
struct WavPcm {
  int sample_rate = 0;
  int channels = 0;
  std::string_view data;  // the samples' bytes, little-endian, pointing into the file
};

// Finds the format and the samples of a RIFF/WAVE file of 16-bit PCM (chunks other than fmt and data skipped).
// RETURNS std::nullopt for anything else or a truncated header.
std::optional<WavPcm> ParsePcmWav(std::string_view wav);

// The 44-byte header of a WAV stream whose length is not known yet: the RIFF and data sizes say 0xFFFFFFFF,
// which players read as "until the stream ends".
std::string StreamingWavHeader(int sample_rate, int channels = 1);

// Names the audio container that `bytes` starts with: "wav", "flac", "ogg", "mp3", or "" when none matches.
// Looks at the first bytes only; a match does not prove the rest is intact.
std::string_view SniffContainer(std::string_view bytes);

}  // namespace maestro::audio
