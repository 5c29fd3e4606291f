// Engine sets, chosen with --engines:
//   neural    Whisper (whisper.cpp), a GGUF model via llama.cpp grounded by the analyst, RHVoice: the default
//   classic   PocketSphinx, the analyst (keyword rules, not neural), eSpeak NG: no model files needed
//   emulated  protocol-cost stand-ins, named so everywhere
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "transport/transport.h"

namespace maestro {

inline constexpr const char* kDefaultEngineSet = "neural";

struct EngineSet {
  std::string stt;
  std::string llm;
  std::string tts;
  std::string Describe() const { return "stt=" + stt + ", llm=" + llm + ", tts=" + tts; }
};

// The names --engines accepts.
std::vector<std::string> EngineSetNames();

// RETURNS the engines of set `name`, or kInvalidArgument listing the sets.
Result<EngineSet> ResolveEngineSet(const std::string& name);

// Checks that the model files the set's engines will load (their `model=` option, else their default) are in the
// model store, before any process starts. RETURNS kNotFound naming `maestro models fetch` for the first missing.
Status CheckModels(const EngineSet& set, const std::map<std::string, std::vector<std::string>>& engine_options);

// The command-line form of `options`, for child processes.
std::vector<std::string> TransportFlagsAsArgs(const TransportOptions& options);

}  // namespace maestro
