// `maestro engines`: lists the engines compiled in, with their options.
#include <iostream>

#include "apps/maestro/command_registry.h"
#include "engines/engine_registry.h"

namespace maestro::cli {
namespace {

RegisterCommand engines_command("engines", "List the STT, LLM and TTS engines and their options",
                                [](CLI::App&) -> std::function<int()> {
                                  return [] {
                                    for (ServiceKind kind : kServiceKinds) {
                                      std::cout << ServiceKindName(kind) << ":\n";
                                      for (const auto& line : EngineRegistry::Global().Describe(kind)) {
                                        std::cout << "  " << line << "\n";
                                      }
                                    }
                                    return 0;
                                  };
                                });

}  // namespace
}  // namespace maestro::cli
