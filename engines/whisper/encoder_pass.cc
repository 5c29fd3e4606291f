#include "engines/whisper/encoder_pass.h"

#include <string>

namespace maestro::whisper {
namespace {

// whisper.cpp keeps a state's encoder width (`audio_ctx`) in the state and sets it only from
// whisper_full's parameters. A whisper_full call over a 100 ms span with a fixed language sets it and returns
// before its first encoder pass (its loop stops once fewer than 100 ms are left), touching nothing else we use.
Status SetAudioContext(whisper_context* context, whisper_state* state, int audio_ctx) {
  auto params = whisper_full_default_params(WHISPER_SAMPLING_GREEDY);
  params.language = "en";
  params.audio_ctx = audio_ctx;
  params.duration_ms = 100;
  params.greedy.best_of = 1;  // no spare decoders to allocate
  params.no_context = true;
  params.print_progress = false;
  if (whisper_full_with_state(context, state, params, nullptr, 0) != 0) {
    return Internal("whisper: could not set the encoder width to " + std::to_string(audio_ctx));
  }
  return Status::Ok();
}

}  // namespace

Status ComputeSpectrogram(whisper_context* context, whisper_state* state, const std::vector<float>& pcm, int threads) {
  if (whisper_pcm_to_mel_with_state(context, state, pcm.data(), static_cast<int>(pcm.size()), threads) != 0) {
    return Internal("whisper: could not compute the spectrogram");
  }
  return Status::Ok();
}

Status EncodeFirstWindow(whisper_context* context, whisper_state* state, int audio_ctx, int threads) {
  if (auto status = SetAudioContext(context, state, audio_ctx); !status.ok()) return status;
  if (whisper_encode_with_state(context, state, 0, threads) != 0) return Internal("whisper: the encoder failed");
  return Status::Ok();
}

}  // namespace maestro::whisper
