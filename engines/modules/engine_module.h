// EngineModule: an engine family built as a loadable module (maestro-engine-<family>.so) instead of into the
// binary, so that a process maps the family's native libraries (ggml and llama.cpp, PocketSphinx with OpenBLAS,
// RHVoice) only once it runs one of its engines. Every `maestro` process serves one role, and most roles use none
// of them: before modules, each process held their pages (11 MB in an idle Maestro), and each service's memory
// figure in the experiment counted the other services' engines.
//
// A module is self-contained: it links its own copy of the code it needs, hides every symbol but its entry point,
// and fills an EngineRegistry of its own that the binary's registry forwards to.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "engines/engine_registry.h"

namespace maestro {

// The entry point every module defines: registers the module's engines in `registry`.
extern "C" __attribute__((visibility("default"))) void maestro_engine_module_register(EngineRegistry& registry);

// RETURNS the directory modules load from: $MAESTRO_ENGINE_DIR when set, else the build tree's engine-modules/.
std::string EngineModuleDir();

class EngineModule {
 public:
  // `file`: the module's file name in EngineModuleDir(), e.g. "maestro-engine-ggml.so".
  explicit EngineModule(std::string file);
  EngineModule(const EngineModule&) = delete;
  EngineModule& operator=(const EngineModule&) = delete;

  // Loads the module on the first call (it stays loaded for the life of the process). RETURNS the registry the
  // module filled, or kUnavailable naming the path and the loader's reason. THREAD-SAFETY: safe to call
  // concurrently; only the first call loads.
  Result<const EngineRegistry*> Load();

  const std::string& file() const { return file_; }

 private:
  const std::string file_;
  std::once_flag once_;
  Status outcome_;
  EngineRegistry engines_;
};

// Registers engine `name` of `kind` in `registry` under `description`, with a factory that loads `module` on first
// use and builds the module's engine of that name. The description is the binary's, so listing engines loads
// nothing. REQUIRES: as EngineRegistry::Register*.
void RegisterModuleEngine(EngineRegistry& registry, const std::shared_ptr<EngineModule>& module, ServiceKind kind,
                          const std::string& name, std::string description);

}  // namespace maestro
