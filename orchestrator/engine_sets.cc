#include "orchestrator/engine_sets.h"

#include <iostream>

#include "engines/engine_registry.h"

namespace maestro {
namespace {

bool Known(const std::string& kind, const std::string& engine) {
  for (const auto& line : EngineRegistry::Global().Describe(kind)) {
    if (line.rfind(engine + ":", 0) == 0) return true;
  }
  return false;
}

std::string OrEmulated(const std::string& kind, const std::string& engine) {
  if (Known(kind, engine)) return engine;
  std::cerr << "maestro: the embedded " << kind << " engine '" << engine
            << "' is not built in; using the EMULATED stand-in instead\n";
  return "emulated";
}

}  // namespace

EngineSet ResolveEngineSet(const std::string& name) {
  if (name == "emulated") return {"emulated", "emulated", "emulated"};
  return {OrEmulated("stt", "pocketsphinx"), OrEmulated("llm", "analyst"), OrEmulated("tts", "espeak")};
}

std::vector<std::string> TransportFlagsAsArgs(const TransportOptions& options) {
  return {"--connections",       std::to_string(options.client_connections),
          "--max-message-bytes", std::to_string(options.max_message_bytes),
          "--threads",           std::to_string(options.server_threads),
          "--thrift-transport",  options.thrift_transport,
          "--thrift-protocol",   options.thrift_protocol};
}

}  // namespace maestro
