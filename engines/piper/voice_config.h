// VoiceConfig: what a Piper voice's `.onnx.json` says about it (sample rate, the eSpeak NG voice that reads its
// text, the phoneme -> id table, default inference scales), and the phoneme ids one sentence becomes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace maestro::piper {

struct VoiceConfig {
  int sample_rate = 22050;
  std::string espeak_voice;  // e.g. "en-us"
  std::string language;      // BCP-47 as the voice names it, e.g. "en-US"
  int speakers = 1;
  float noise_scale = 0.667F;
  float length_scale = 1.0F;
  float noise_w = 0.8F;
  std::map<char32_t, std::vector<int64_t>> phoneme_ids;  // one Unicode code point -> its ids
};

// Parses a Piper voice configuration (at most 1 MiB). RETURNS the config, or kInvalidArgument naming the field
// that is missing or wrong: phoneme_type must be "espeak", and the table must hold the pad "_", the start "^"
// and the end "$". THREAD-SAFETY: pure.
Result<VoiceConfig> ParseVoiceConfig(std::string_view json_text);

// RETURNS the ids of one sentence as Piper's models were trained on them: start, pad, then each phoneme's ids
// followed by pad, then end. `phonemes` is UTF-8 IPA; a code point the table lacks is skipped and counted in
// `*unknown` when given. Invalid UTF-8 bytes count as unknown. THREAD-SAFETY: pure.
std::vector<int64_t> PhonemeIds(const VoiceConfig& config, std::string_view phonemes, size_t* unknown = nullptr);

}  // namespace maestro::piper
