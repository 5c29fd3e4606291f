// WAV encoding and container sniffing: the small, dependency-free part of audio handling that every
// process needs (decoding to PCM lives in audio/decode.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace maestro::audio {

// RETURNS a complete RIFF/WAVE file of 16-bit PCM `samples` (interleaved when channels > 1).
std::string EncodeWav(std::span<const int16_t> samples, int sample_rate, int channels = 1);

// Names the audio container that `bytes` starts with: "wav", "flac", "ogg", "mp3", or "" when none matches.
// Looks at the first bytes only; a match does not prove the rest is intact.
std::string_view SniffContainer(std::string_view bytes);

}  // namespace maestro::audio
