// How many encoder positions a clip needs. Whisper's encoder always covers a 30 s window (1500 positions, 50 a
// second); for a short question most of them are padding, and the encoder's cost grows with their number.
#pragma once

#include <cstddef>

namespace maestro::whisper {

// Whisper's window: 30 s of 16 kHz audio.
inline constexpr size_t kWindowSamples = 30 * 16000;

// RETURNS the encoder width (whisper.cpp's `audio_ctx`) for `samples` of 16 kHz audio: 0, the model's full
// window, when `floor` is 0; else the clip's own positions plus a margin of trailing silence, at least `floor`
// and at most `model_audio_ctx`.
// THREAD-SAFETY: pure.
int FittedAudioContext(size_t samples, int floor, int model_audio_ctx);

}  // namespace maestro::whisper
