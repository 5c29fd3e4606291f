// One pass of Whisper's encoder over a clip's first 30 s window, left in a whisper_state so that language
// identification and decoding both read it (whisper_full would run the encoder again for each of them).
#pragma once

#include <whisper.h>

#include <vector>

#include "common/status.h"

namespace maestro::whisper {

// Computes the log-mel spectrogram of `pcm` into `state`.
// REQUIRES: `state` belongs to `context` and is used by one thread at a time.
// RETURNS kInternal if whisper.cpp fails.
Status ComputeSpectrogram(whisper_context* context, whisper_state* state, const std::vector<float>& pcm, int threads);

// Runs the encoder once over the spectrogram's first window with `audio_ctx` positions (0 = the full window).
// REQUIRES: ComputeSpectrogram was called on `state`.
// RETURNS kInternal if whisper.cpp fails. The encoder itself cannot be interrupted: callers check their
// deadline before and after.
Status EncodeFirstWindow(whisper_context* context, whisper_state* state, int audio_ctx, int threads);

}  // namespace maestro::whisper
