#include "engines/builtin_engines.h"

#include <map>
#include <memory>
#include <string>

#include "engines/analyst/analyst_engine.h"
#include "engines/emulated/emulated_engines.h"
#include "engines/engine_registry.h"
#include "engines/espeak/espeak_engine.h"
#include "engines/llama/llama_engine.h"
#include "engines/modules/engine_module.h"
#include "engines/openai/openai_engines.h"
#include "engines/piper/piper_engine.h"
#include "engines/pocketsphinx/pocketsphinx_engine.h"
#include "engines/rhvoice/rhvoice_engine.h"
#include "engines/whisper/whisper_engine.h"

namespace maestro {
namespace {

// The engines built as modules: the binary knows their names and descriptions, the module their code.
struct ModuleEngine {
  const char* module_file;
  ServiceKind kind;
  const char* name;
  const char* description;
};

constexpr ModuleEngine kModuleEngines[] = {
    {"maestro-engine-pocketsphinx.so", ServiceKind::kStt, pocketsphinx::kEngineName, pocketsphinx::kEngineDescription},
    {"maestro-engine-ggml.so", ServiceKind::kStt, whisper::kEngineName, whisper::kEngineDescription},
    {"maestro-engine-ggml.so", ServiceKind::kLlm, llama::kEngineName, llama::kEngineDescription},
    {"maestro-engine-rhvoice.so", ServiceKind::kTts, rhvoice::kEngineName, rhvoice::kEngineDescription},
};

void RegisterModuleEngines(EngineRegistry& registry) {
  std::map<std::string, std::shared_ptr<EngineModule>> modules;
  for (const ModuleEngine& engine : kModuleEngines) {
    auto& module = modules[engine.module_file];
    if (!module) module = std::make_shared<EngineModule>(engine.module_file);
    RegisterModuleEngine(registry, module, engine.kind, engine.name, engine.description);
  }
}

}  // namespace

void RegisterBuiltinEngines(EngineRegistry& registry) {
  emulated::Register(registry);
  espeak::Register(registry);
  analyst::Register(registry);
  openai::Register(registry);
  piper::Register(registry);
  RegisterModuleEngines(registry);
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
