// The `whisper` STT engine: OpenAI's Whisper run by whisper.cpp in this process, on the ggml shared with llama.
// One model in memory; each worker owns a decoder state, so requests decode in parallel up to `workers`.
// Options (all optional):
//   model=whisper-base  a catalog name (`maestro models list`) or the path of a whisper.cpp ggml file
//   language=auto       auto: the likelier of Portuguese and English, the assistant's two languages, from
//                       Whisper's own language identification; pt or en fixes it
//   threads=<cores>     threads per decode;  beam=1  greedy (1) or beam search width (2..8)
//   audio_ctx_min=512   N: the encoder covers only the clip (50 positions a second, plus a margin), at least N
//                       positions, so every question under ~9 s shares one width; 0: Whisper's whole 30 s window
// A clip of up to 30 s with beam=1 takes one encoder pass, shared by the language choice and the decoder.
//   workers=1           requests decoding at once (each with its own state, ~30 MB for base)
//   queue=16            requests allowed to wait for a worker before kOverloaded
//   max_seconds=300, max_bytes=67108864  audio limits (kPayloadTooLarge above)
//   prompt=...          a vocabulary hint given to the decoder; default: company, index and rate names
#pragma once

#include <memory>

#include "engines/engine_registry.h"

namespace maestro::whisper {

inline constexpr const char* kDefaultModel = "whisper-base";

// RETURNS the engine, kInvalidArgument for bad options, kNotFound naming `maestro models fetch` for a missing
// model, kInvalidArgument for a file whisper.cpp cannot load (truncated or not a ggml Whisper model).
Result<std::unique_ptr<SpeechToText>> CreateSpeechToText(EngineOptions options);

inline constexpr const char* kEngineName = "whisper";
inline constexpr const char* kEngineDescription =
    "OpenAI Whisper via whisper.cpp, embedded (pt-BR and English); options model=whisper-base|PATH, "
    "language=auto|pt|en, threads=<cores>, beam=1, audio_ctx_min=512, workers=1, queue=16, max_seconds=300, "
    "max_bytes, prompt";

// Registers the engine as kEngineName; the binary registers it from the module built by engines/modules/.
void Register(EngineRegistry& registry);

}  // namespace maestro::whisper
