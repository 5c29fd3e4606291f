// Blocking adapters over the asynchronous engine interfaces, for command-line tools and tests.
// Never use them on a thread that an engine may need to complete the call (an event loop's own thread).
#pragma once

#include <future>
#include <memory>

#include "domain/language_model.h"
#include "domain/speech_to_text.h"
#include "domain/text_to_speech.h"

namespace maestro {

template <typename T, typename Start>
Result<T> WaitFor(Start start) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  start([promise](Result<T> result) { promise->set_value(std::move(result)); });
  return future.get();
}

inline Result<Transcript> TranscribeBlocking(SpeechToText& stt, AudioClip clip, Deadline deadline) {
  return WaitFor<Transcript>([&](Callback<Transcript> done) { stt.Transcribe(std::move(clip), deadline, done); });
}

inline Result<Generation> GenerateBlocking(LanguageModel& llm, GenerationRequest request, Deadline deadline) {
  return WaitFor<Generation>([&](Callback<Generation> done) { llm.Generate(std::move(request), deadline, done); });
}

inline Result<SpeechAudio> SynthesizeBlocking(TextToSpeech& tts, SynthesisRequest request, Deadline deadline) {
  return WaitFor<SpeechAudio>([&](Callback<SpeechAudio> done) { tts.Synthesize(std::move(request), deadline, done); });
}

}  // namespace maestro
