// maestro-engine-ggml.so: the whisper STT and llama LLM engines. They share one ggml (one backend registry, one
// set of CPU variants), so they share one module.
#include "engines/llama/llama_engine.h"
#include "engines/modules/engine_module.h"
#include "engines/whisper/whisper_engine.h"

void maestro::maestro_engine_module_register(EngineRegistry& registry) {
  whisper::Register(registry);
  llama::Register(registry);
}
