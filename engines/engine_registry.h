// EngineRegistry: builds engines by name ("emulated", "pocketsphinx", "espeak", "analyst", "openai", ...)
// from string options, so commands, config files and the inproc transport choose engines the same way.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/engine_options.h"
#include "domain/language_model.h"
#include "domain/service_kind.h"
#include "domain/speech_to_text.h"
#include "domain/text_to_speech.h"

namespace maestro {

class EngineRegistry {
 public:
  using SttFactory = std::function<Result<std::unique_ptr<SpeechToText>>(const EngineOptions&)>;
  using LlmFactory = std::function<Result<std::unique_ptr<LanguageModel>>(const EngineOptions&)>;
  using TtsFactory = std::function<Result<std::unique_ptr<TextToSpeech>>(const EngineOptions&)>;

  // The process-wide registry, with every built-in engine registered (defined with the built-ins, in the
  // maestro_engines target).
  static EngineRegistry& Global();

  // REQUIRES: `name` not yet registered for that kind. THREAD-SAFETY: call before serving, from one thread.
  void RegisterStt(const std::string& name, std::string description, SttFactory factory);
  void RegisterLlm(const std::string& name, std::string description, LlmFactory factory);
  void RegisterTts(const std::string& name, std::string description, TtsFactory factory);

  // RETURNS a new engine, or kInvalidArgument naming the known engines when `name` is unknown, or the
  // factory's error for bad options. THREAD-SAFETY: safe to call concurrently once registration is done.
  Result<std::unique_ptr<SpeechToText>> CreateStt(const std::string& name, const EngineOptions& options) const;
  Result<std::unique_ptr<LanguageModel>> CreateLlm(const std::string& name, const EngineOptions& options) const;
  Result<std::unique_ptr<TextToSpeech>> CreateTts(const std::string& name, const EngineOptions& options) const;

  // RETURNS true when an engine `name` of `kind` is registered. THREAD-SAFETY: as Create*.
  bool Has(ServiceKind kind, const std::string& name) const;

  // RETURNS "name: description" lines for `kind`, for --help. THREAD-SAFETY: as Create*.
  std::vector<std::string> Describe(ServiceKind kind) const;

 private:
  template <typename Factory>
  struct Entry {
    std::string description;
    Factory factory;
  };
  std::map<std::string, Entry<SttFactory>> stt_;
  std::map<std::string, Entry<LlmFactory>> llm_;
  std::map<std::string, Entry<TtsFactory>> tts_;
};

// Parses "key=value" strings into EngineOptions. RETURNS kInvalidArgument for an item without '='.
Result<EngineOptions> ParseEngineOptions(const std::vector<std::string>& items);

}  // namespace maestro
