// Whisper's language identification restricted to the assistant's two languages, read from an encoder pass
// that decoding then reuses.
#pragma once

#include <whisper.h>

#include <string>

#include "common/status.h"

namespace maestro::whisper {

// Decodes the start-of-transcript token once and compares the model's scores for Portuguese and English: only
// those two compete, so a short Portuguese question is never heard as Galician or Spanish.
// REQUIRES: EncodeFirstWindow was called on `state`; one thread uses `state` at a time.
// RETURNS "pt" or "en"; kInternal if whisper.cpp fails.
Result<std::string> IdentifyPortugueseOrEnglish(whisper_context* context, whisper_state* state, int threads);

}  // namespace maestro::whisper
