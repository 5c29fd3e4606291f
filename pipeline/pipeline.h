// Pipeline: the assistant's one and only flow, STT -> LLM -> TTS, written against the engine interfaces.
// It never knows whether an engine is local or behind REST, gRPC or Thrift.
#pragma once

#include <memory>
#include <string>

#include "common/deadline.h"
#include "domain/language_model.h"
#include "domain/speech_to_text.h"
#include "domain/text_to_speech.h"
#include "metrics/metrics.h"
#include "pipeline/answer_cache.h"

namespace maestro {

struct PipelineOptions {
  GenerationRequest generation;  // parameters for every LLM call; the prompt is replaced by the transcript
  std::string voice;             // TTS voice; empty: pick by the answer's language
  size_t cache_bytes = 0;        // 0: no answer cache (the default: the experiment measures work, not hits)
};

struct HopTimings {
  double stt_ms = 0;
  double llm_ms = 0;
  double tts_ms = 0;
  double total_ms = 0;
};

struct AssistOutcome {
  Transcript transcript;
  Generation answer;
  SpeechAudio speech;
  HopTimings timings;
  bool cached = false;  // answered from the answer cache, no hop called
};

class Pipeline {
 public:
  // REQUIRES: the engines outlive the pipeline and every pending call.
  Pipeline(SpeechToText& stt, LanguageModel& llm, TextToSpeech& tts, PipelineOptions options);
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Answers a spoken question with a spoken answer.
  // RETURNS through `done`, exactly once, on any thread: the outcome, or the first hop's error attributed
  // to that hop ("stt", "llm", "tts"). A hop is not called once the deadline has passed. An empty
  // transcript is kInvalidArgument at "stt" (no speech recognised).
  // THREAD-SAFETY: safe to call concurrently.
  void Assist(AudioClip clip, Deadline deadline, Callback<AssistOutcome> done);

  // The same without STT: `question` is the transcript.
  void AssistText(std::string question, Deadline deadline, Callback<AssistOutcome> done);

 private:
  struct Call;
  void Generate(std::shared_ptr<Call> call);
  void Synthesize(std::shared_ptr<Call> call);

  SpeechToText& stt_;
  LanguageModel& llm_;
  TextToSpeech& tts_;
  PipelineOptions options_;
  std::unique_ptr<AnswerCache> cache_;
  metrics::HopMetrics stt_metrics_{"stt"};
  metrics::HopMetrics llm_metrics_{"llm"};
  metrics::HopMetrics tts_metrics_{"tts"};
};

}  // namespace maestro
