// The text a TTS engine accepts: not empty and not above the engine's limit, as the TextToSpeech contract says.
#pragma once

#include <cstddef>
#include <string>

#include "common/status.h"

namespace maestro {

// RETURNS OK for 1..`max_bytes` bytes of text, else kInvalidArgument naming `engine`, the size and the limit.
// THREAD-SAFETY: pure.
Status CheckSynthesisText(const std::string& engine, const std::string& text, size_t max_bytes);

}  // namespace maestro
