// The `llama` LLM engine: a GGUF model run by llama.cpp in this process, grounded by the analyst. For each
// question the analyst retrieves the facts (instrument, glossary, price analytics); they go into the prompt under
// the original system's instruction, in the question's language; an AnswerGuard lets through only sentences whose
// numbers and tickers appear in those facts, and the analyst's own answer replaces an answer with none left.
// The answer streams sentence by sentence through GenerateStreaming. Sources carry "grounding:<how>".
// Options (all optional):
//   model=qwen2.5-coder-0.5b-instruct  a catalog name (`maestro models list`) or the path of a GGUF file
//   ctx=2048            context tokens per worker;  threads=<cores>
//   temperature=0.2     the engine's sampling replaces the request's: small models answer from facts best cold
//   seed=42             sampling seed (answers repeat for the same question)
//   max_tokens=128      upper bound on tokens per answer (the request's smaller value wins)
//   workers=1           answers generated at once (each worker owns a context)
//   queue=16            requests allowed to wait for a worker before kOverloaded
//   knowledge=DIR, prices=FILE  the analyst's knowledge base, as for the `analyst` engine
#pragma once

#include <memory>

#include "engines/engine_registry.h"

namespace maestro::llama {

inline constexpr const char* kDefaultModel = "qwen2.5-coder-0.5b-instruct";

// RETURNS the engine, kInvalidArgument for bad options or a file llama.cpp cannot load, kNotFound naming
// `maestro models fetch` for a missing model.
Result<std::unique_ptr<LanguageModel>> CreateLanguageModel(EngineOptions options);

inline constexpr const char* kEngineName = "llama";
inline constexpr const char* kEngineDescription =
    "a GGUF model via llama.cpp, embedded, grounded by the analyst's facts and guarded so no "
    "number or ticker outside them reaches the user; options "
    "model=qwen2.5-coder-0.5b-instruct|PATH, ctx=2048, threads=<cores>, temperature=0.2, seed=42, "
    "max_tokens=128, workers=1, queue=16, knowledge, prices";

// Registers the engine as kEngineName; the binary registers it from the module built by engines/modules/.
void Register(EngineRegistry& registry);

}  // namespace maestro::llama
