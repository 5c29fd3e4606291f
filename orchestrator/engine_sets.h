// Engine sets: "embedded" (the real offline engines) and "emulated" (protocol-cost stand-ins).
#pragma once

#include <string>
#include <vector>

#include "transport/transport.h"

namespace maestro {

struct EngineSet {
  std::string stt;
  std::string llm;
  std::string tts;
  std::string Describe() const { return "stt=" + stt + ", llm=" + llm + ", tts=" + tts; }
};

// RETURNS the engines of `name`. An embedded engine that is not compiled in is replaced by "emulated", with a
// warning on stderr naming it, so the stack still starts.
EngineSet ResolveEngineSet(const std::string& name);

// The command-line form of `options`, for child processes.
std::vector<std::string> TransportFlagsAsArgs(const TransportOptions& options);

}  // namespace maestro
