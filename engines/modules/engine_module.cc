#include "engines/modules/engine_module.h"

#include <dlfcn.h>

#include <cstdlib>
#include <functional>
#include <string>

namespace maestro {

std::string EngineModuleDir() {
  if (const char* dir = std::getenv("MAESTRO_ENGINE_DIR"); dir != nullptr && *dir != '\0') return dir;
  return MAESTRO_BUILD_ENGINE_MODULE_DIR;
}

EngineModule::EngineModule(std::string file) : file_(std::move(file)) {}

Result<const EngineRegistry*> EngineModule::Load() {
  std::call_once(once_, [this] {
    const std::string path = EngineModuleDir() + "/" + file_;
    // RTLD_NOW: a module that cannot resolve a symbol fails here, with the symbol named, not mid-request.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      outcome_ = Unavailable("engine module " + path + " could not be loaded (" + dlerror() +
                             "); set MAESTRO_ENGINE_DIR to the folder holding " + file_);
      return;
    }
    auto* entry =
        reinterpret_cast<decltype(&maestro_engine_module_register)>(dlsym(handle, "maestro_engine_module_register"));
    if (entry == nullptr) {
      outcome_ = Unavailable("engine module " + path + " has no maestro_engine_module_register");
      return;
    }
    entry(engines_);
  });
  if (!outcome_.ok()) return outcome_;
  return &engines_;
}

namespace {

template <typename Engine>
using Creator = Result<std::unique_ptr<Engine>> (EngineRegistry::*)(const std::string&, const EngineOptions&) const;

// A factory that loads `module`, then builds its engine `name` of `kind` with `create`.
template <typename Engine>
std::function<Result<std::unique_ptr<Engine>>(const EngineOptions&)> Forwarder(
    const std::shared_ptr<EngineModule>& module, ServiceKind kind, const std::string& name, Creator<Engine> create) {
  return [module, kind, name, create](const EngineOptions& options) -> Result<std::unique_ptr<Engine>> {
    auto engines = module->Load();
    if (!engines.ok()) return engines.status();
    if (!(*engines)->Has(kind, name)) {
      return Internal("engine module " + module->file() + " does not provide the " + ServiceKindName(kind) +
                      " engine '" + name + "'");
    }
    return ((*engines)->*create)(name, options);
  };
}

}  // namespace

void RegisterModuleEngine(EngineRegistry& registry, const std::shared_ptr<EngineModule>& module, ServiceKind kind,
                          const std::string& name, std::string description) {
  switch (kind) {
    case ServiceKind::kStt:
      registry.RegisterStt(name, std::move(description),
                           Forwarder<SpeechToText>(module, kind, name, &EngineRegistry::CreateStt));
      break;
    case ServiceKind::kLlm:
      registry.RegisterLlm(name, std::move(description),
                           Forwarder<LanguageModel>(module, kind, name, &EngineRegistry::CreateLlm));
      break;
    case ServiceKind::kTts:
      registry.RegisterTts(name, std::move(description),
                           Forwarder<TextToSpeech>(module, kind, name, &EngineRegistry::CreateTts));
      break;
  }
}

}  // namespace maestro
