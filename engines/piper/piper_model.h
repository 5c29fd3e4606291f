// PiperModel: one Piper (VITS) voice network in ONNX Runtime. It turns one sentence's phoneme ids into audio.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace maestro::piper {

struct Scales {
  float noise = 0.667F;  // variation of the voice
  float length = 1.0F;   // duration: above 1 speaks slower
  float noise_w = 0.8F;  // variation of phoneme durations
};

class PiperModel {
 public:
  // Loads the ONNX network at `path`, running on `threads` threads; the first call loads ONNX Runtime from
  // $MAESTRO_ONNXRUNTIME_DIR or the build's copy. RETURNS the model, kInvalidArgument when the file is not a Piper
  // network (a truncated or corrupt file included), kUnavailable when ONNX Runtime cannot be loaded.
  static Result<std::unique_ptr<PiperModel>> Load(const std::string& path, int threads);
  virtual ~PiperModel() = default;
  PiperModel(const PiperModel&) = delete;
  PiperModel& operator=(const PiperModel&) = delete;

  // RETURNS the audio of one sentence (`ids` from PhonemeIds), as samples in -1..1 at the voice's rate, or
  // kInternal when the network fails. `speaker` is used only by multi-speaker voices.
  // THREAD-SAFETY: safe to call concurrently.
  virtual Result<std::vector<float>> Infer(const std::vector<int64_t>& ids, const Scales& scales, int speaker) = 0;

 protected:
  PiperModel() = default;
};

}  // namespace maestro::piper
