// The TTS voice an answer is spoken in, shared by the whole and the streamed pipeline.
#pragma once

#include <string>
#include <string_view>

namespace maestro {

// RETURNS `configured` when the operator chose a voice; otherwise "pt-br" for an answer whose language starts with
// "pt" (any case) and "" (the engine's default voice) for any other. THREAD-SAFETY: pure.
std::string AnswerVoice(const std::string& configured, std::string_view language);

}  // namespace maestro
