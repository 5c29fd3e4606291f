#include "engines/whisper/audio_context.h"

#include <algorithm>

namespace maestro::whisper {
namespace {

constexpr size_t kSamplesPerPosition = 320;  // 16 kHz, 10 ms mel frames, two frames a position
constexpr int kMarginPositions = 64;

}  // namespace

int FittedAudioContext(size_t samples, int floor, int model_audio_ctx) {
  if (floor <= 0) return 0;
  const auto positions = static_cast<int>((samples + kSamplesPerPosition - 1) / kSamplesPerPosition);
  return std::min(model_audio_ctx, std::max(floor, positions + kMarginPositions));
}

}  // namespace maestro::whisper
