// The `openai` engines: STT, LLM and TTS over the OpenAI HTTP API as whisper.cpp server, llama.cpp server, Ollama
// (/v1) and vLLM implement it. docs/engines-openai.md lists the exact requests and responses.
// Options shared by all three (see openai_client.h): base, path, workers, queue, retries, backoff_ms,
// connect_timeout_ms, api_key_env; and model (sent as "model").
//   stt: language (ISO-639-1 hint sent to the server, e.g. "en" or "pt")
//   llm: context=analyst|none (inject the analyst's retrieved facts; default analyst), knowledge=DIR, prices=FILE
//   tts: voice (default when the request names none; default "alloy")
#pragma once

#include <memory>
#include <string>

#include "domain/types.h"
#include "engines/engine_registry.h"

namespace maestro::openai {

inline constexpr size_t kMaxAudioBytes = 25u << 20;  // the OpenAI API's upload limit
inline constexpr size_t kMaxTextBytes = 64u << 10;

Result<std::unique_ptr<SpeechToText>> CreateSpeechToText(EngineOptions options);
Result<std::unique_ptr<LanguageModel>> CreateLanguageModel(EngineOptions options);
Result<std::unique_ptr<TextToSpeech>> CreateTextToSpeech(EngineOptions options);

void Register(EngineRegistry& registry);

}  // namespace maestro::openai
