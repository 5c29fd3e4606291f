#include "engines/engine_registry.h"

namespace maestro {
namespace {

template <typename Map>
std::string KnownNames(const Map& map) {
  std::string names;
  for (const auto& [name, entry] : map) names += (names.empty() ? "" : ", ") + name;
  return names;
}

template <typename Map>
auto Create(const Map& map, const char* kind, const std::string& name, const EngineOptions& options)
    -> decltype(map.begin()->second.factory(options)) {
  auto it = map.find(name);
  if (it == map.end()) {
    return InvalidArgument(std::string("unknown ") + kind + " engine '" + name + "'; known: " + KnownNames(map));
  }
  return it->second.factory(options);
}

}  // namespace

void EngineRegistry::RegisterStt(const std::string& name, std::string description, SttFactory factory) {
  stt_[name] = {std::move(description), std::move(factory)};
}
void EngineRegistry::RegisterLlm(const std::string& name, std::string description, LlmFactory factory) {
  llm_[name] = {std::move(description), std::move(factory)};
}
void EngineRegistry::RegisterTts(const std::string& name, std::string description, TtsFactory factory) {
  tts_[name] = {std::move(description), std::move(factory)};
}

Result<std::unique_ptr<SpeechToText>> EngineRegistry::CreateStt(const std::string& name,
                                                                const EngineOptions& options) const {
  return Create(stt_, "stt", name, options);
}
Result<std::unique_ptr<LanguageModel>> EngineRegistry::CreateLlm(const std::string& name,
                                                                 const EngineOptions& options) const {
  return Create(llm_, "llm", name, options);
}
Result<std::unique_ptr<TextToSpeech>> EngineRegistry::CreateTts(const std::string& name,
                                                                const EngineOptions& options) const {
  return Create(tts_, "tts", name, options);
}

bool EngineRegistry::Has(ServiceKind kind, const std::string& name) const {
  switch (kind) {
    case ServiceKind::kStt:
      return stt_.contains(name);
    case ServiceKind::kLlm:
      return llm_.contains(name);
    case ServiceKind::kTts:
      return tts_.contains(name);
  }
  return false;
}

std::vector<std::string> EngineRegistry::Describe(ServiceKind kind) const {
  std::vector<std::string> lines;
  auto add = [&lines](const auto& map) {
    for (const auto& [name, entry] : map) lines.push_back(name + ": " + entry.description);
  };
  switch (kind) {
    case ServiceKind::kStt:
      add(stt_);
      break;
    case ServiceKind::kLlm:
      add(llm_);
      break;
    case ServiceKind::kTts:
      add(tts_);
      break;
  }
  return lines;
}

Result<EngineOptions> ParseEngineOptions(const std::vector<std::string>& items) {
  EngineOptions options;
  for (const auto& item : items) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) return InvalidArgument("engine option '" + item + "' is not key=value");
    options[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return options;
}

}  // namespace maestro
