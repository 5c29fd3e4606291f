// Fuzzes WAV encode and decode round trips: EncodeWav of any samples at any supported rate and channel count
// must decode back to 16 kHz mono of the right length, and to the very same samples at 16 kHz mono.
// Input: byte 0 picks the rate, byte 1 the channel count, the rest are little-endian int16 samples.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "audio/decode.h"
#include "audio/wav.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr int kRates[] = {8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000};
  if (size < 2) return 0;
  const int rate = kRates[data[0] % 8];
  const int channels = 1 + data[1] % 2;
  std::vector<int16_t> samples((size - 2) / 2);
  samples.resize(samples.size() - samples.size() % channels);
  if (samples.empty()) return 0;
  std::memcpy(samples.data(), data + 2, samples.size() * 2);

  const std::string wav = maestro::audio::EncodeWav(samples, rate, channels);
  if (maestro::audio::SniffContainer(wav) != "wav") std::abort();
  const double frames = static_cast<double>(samples.size() / channels);
  const double expected = frames * maestro::audio::kSpeechSampleRate / rate;
  auto decoded = maestro::audio::DecodeToSpeechPcm(wav);
  if (!decoded.ok()) {
    // A clip too short to leave a 16 kHz sample after resampling is refused rather than decoded to nothing.
    if (expected < 2 && decoded.status().code() == maestro::StatusCode::kUnsupportedMedia) return 0;
    std::abort();
  }
  if (decoded->source_rate != rate || decoded->source_channels != channels || decoded->container != "wav") std::abort();
  if (std::fabs(static_cast<double>(decoded->samples.size()) - expected) > 2) std::abort();
  if (rate == maestro::audio::kSpeechSampleRate && channels == 1 && decoded->samples != samples) std::abort();
  return 0;
}
