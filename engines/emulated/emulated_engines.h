// Emulated engines: stand-ins with a configurable service time and output size, used only to isolate the
// cost of the protocol. They never pretend to understand speech or finance. Options (all optional):
//   every kind: service_ms, sd_ms (lognormal when > 0), mode=sleep|busy, seed, workers (sleep: calls at once,
//               the rest queue; 0 = no limit)
//   stt: transcript (the text every call returns)
//   llm: words (answer length, default 50), piece_ms (0 = the whole answer after service_ms; > 0 = streamed
//        word by word, the first after service_ms, then one every piece_ms; unary calls wait for the last),
//        sentence_words (0 = no punctuation; n = a full stop after every n-th word and the last)
//   tts: seconds (WAV length at 22.05 kHz, default 10, about 441 KB)
#pragma once

#include <memory>

#include "engines/engine_registry.h"

namespace maestro::emulated {

Result<std::unique_ptr<SpeechToText>> CreateSpeechToText(EngineOptions options);
Result<std::unique_ptr<LanguageModel>> CreateLanguageModel(EngineOptions options);
Result<std::unique_ptr<TextToSpeech>> CreateTextToSpeech(EngineOptions options);

void Register(EngineRegistry& registry);

}  // namespace maestro::emulated
