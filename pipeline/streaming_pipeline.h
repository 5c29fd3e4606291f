// StreamingPipeline: the assistant's flow for listeners who want the answer as it is produced. The transcript,
// every piece of the answer's text and the speech of every sentence are handed over as soon as each exists:
// the language model's pieces go through a SentenceSegmenter, and each complete sentence is synthesized while
// the model writes the next. The unary Pipeline is untouched; both are written against the same interfaces,
// so the streaming flow runs over every transport (remote models that cannot stream send one piece).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/deadline.h"
#include "domain/language_model.h"
#include "domain/speech_to_text.h"
#include "domain/text_to_speech.h"
#include "metrics/metrics.h"
#include "pipeline/pipeline.h"

namespace maestro {

struct StreamingOptions {
  GenerationRequest generation;     // parameters for every LLM call; the prompt is replaced by the transcript
  std::string voice;                // TTS voice; empty: pick by the answer's language
  size_t max_sentence_chars = 300;  // longer sentences are cut, so the first audio never waits for a long one
  std::string protocol = "inproc";  // label of the time-to-first metrics
};

// The speech of one sentence: a complete 16-bit PCM WAV file, numbered from 0 in the order it is spoken.
struct SpeechChunk {
  int index = 0;
  std::string text;
  std::string wav;
};

// Milliseconds from the start of the call (the end of the upload or of the speech).
struct StreamTimings {
  double stt_ms = 0;          // speech recognition
  double first_token_ms = 0;  // first piece of the answer (TTFT, from the call's start)
  double llm_ms = 0;          // the whole generation
  double first_audio_ms = 0;  // first speech chunk ready (TTFA)
  double tts_ms = 0;          // sum of the synthesis calls
  double total_ms = 0;
};

struct StreamOutcome {
  Transcript transcript;
  Generation answer;  // the whole text and its sources, as the unary path would return them
  int chunks = 0;
  StreamTimings timings;
  bool cancelled = false;  // Cancel() was called; the answer and speech stop where they were
};

// What the listener receives. Every callback may run on any thread but never two at once, in this order:
// on_transcript once (not for AssistText), then on_piece and on_speech interleaved (each kind in order), then
// on_done exactly once; nothing follows on_done. Callbacks must not block; they may call Cancel().
struct StreamListener {
  std::function<void(const Transcript&)> on_transcript;
  std::function<void(std::string_view piece)> on_piece;
  std::function<void(const SpeechChunk&)> on_speech;
  std::function<void(Result<StreamOutcome>)> on_done;
};

// A call in progress. Cancel() stops generation (the model's next piece is refused) and any synthesis not yet
// started; a synthesis already in flight finishes but is not delivered. on_done then reports cancelled = true.
// THREAD-SAFETY: safe from any thread, idempotent; the handle may be dropped at any time.
class StreamHandle {
 public:
  virtual ~StreamHandle() = default;
  virtual void Cancel() = 0;
};

class StreamingPipeline {
 public:
  // REQUIRES: the engines outlive the pipeline and every pending call.
  StreamingPipeline(SpeechToText& stt, LanguageModel& llm, TextToSpeech& tts, StreamingOptions options);
  StreamingPipeline(const StreamingPipeline&) = delete;
  StreamingPipeline& operator=(const StreamingPipeline&) = delete;

  // Answers a spoken question, streaming. Errors are attributed to their hop as in Pipeline::Assist and end
  // the call through on_done; an empty transcript is kInvalidArgument at "stt".
  // THREAD-SAFETY: safe to call concurrently.
  std::shared_ptr<StreamHandle> Assist(AudioClip clip, Deadline deadline, StreamListener listener);

  // The same without STT: `question` is the transcript; `language` (BCP-47, may be empty) picks the voice
  // until the model names the answer's language.
  std::shared_ptr<StreamHandle> AssistText(std::string question, Deadline deadline, StreamListener listener,
                                           std::string language = "");

  // Transcribes `clip` alone, for a partial transcript while the speaker is still talking: no answer follows,
  // and the call stays out of the per-hop metrics (they describe answers). RETURNS through `done`, once.
  // THREAD-SAFETY: safe to call concurrently.
  void TranscribePartial(AudioClip clip, Deadline deadline, Callback<Transcript> done);

 private:
  struct Call;
  void Generate(std::shared_ptr<Call> call);
  void SynthesizeNext(std::shared_ptr<Call> call);

  SpeechToText& stt_;
  LanguageModel& llm_;
  TextToSpeech& tts_;
  StreamingOptions options_;
  metrics::HopMetrics stt_metrics_{"stt"};
  metrics::HopMetrics llm_metrics_{"llm"};
  metrics::HopMetrics tts_metrics_{"tts"};
  metrics::FirstByteMetrics first_byte_;
};

}  // namespace maestro
