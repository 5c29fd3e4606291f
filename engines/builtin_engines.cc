#include "engines/builtin_engines.h"

#include "engines/analyst/analyst_engine.h"
#include "engines/emulated/emulated_engines.h"
#include "engines/engine_registry.h"
#include "engines/espeak/espeak_engine.h"
#include "engines/llama/llama_engine.h"
#include "engines/openai/openai_engines.h"
#include "engines/piper/piper_engine.h"
#include "engines/pocketsphinx/pocketsphinx_engine.h"
#include "engines/rhvoice/rhvoice_engine.h"
#include "engines/whisper/whisper_engine.h"

namespace maestro {

void RegisterBuiltinEngines(EngineRegistry& registry) {
  emulated::Register(registry);
  espeak::Register(registry);
  pocketsphinx::Register(registry);
  analyst::Register(registry);
  openai::Register(registry);
  whisper::Register(registry);
  llama::Register(registry);
  rhvoice::Register(registry);
  piper::Register(registry);
}

// Defined here rather than in engine_registry.cc so that the registry library depends on no engine: only the
// maestro_engines target, which links every engine, can fill the process-wide registry.
EngineRegistry& EngineRegistry::Global() {
  static EngineRegistry* registry = [] {
    auto* created = new EngineRegistry();
    RegisterBuiltinEngines(*created);
    return created;
  }();
  return *registry;
}

}  // namespace maestro
