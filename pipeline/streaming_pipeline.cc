#include "pipeline/streaming_pipeline.h"

#include <deque>
#include <mutex>

#include "common/text.h"
#include "pipeline/answer_voice.h"
#include "pipeline/sentence_segmenter.h"

namespace maestro {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration elapsed) {
  return std::chrono::duration<double, std::milli>(elapsed).count();
}

}  // namespace

struct StreamingPipeline::Call final : StreamHandle {
  Call(Deadline d, StreamListener l, size_t max_sentence_chars)
      : deadline(d), listener(std::move(l)), segmenter(max_sentence_chars) {}

  void Cancel() override { cancelled = true; }

  // Hands one event to the listener unless the call has already ended; events never overlap.
  template <typename Event>
  void Emit(Event&& event) {
    std::lock_guard lock(emit_mutex);
    if (!done_emitted) event(listener);
  }

  // Ends the call once: the first caller's outcome wins. Drops the listener afterwards, so that a listener
  // holding this call's handle does not keep it alive.
  void End(Result<StreamOutcome> result) {
    {
      std::lock_guard lock(mutex);
      if (finished) return;
      finished = true;
    }
    cancelled = true;  // stops the model and any further synthesis
    std::lock_guard lock(emit_mutex);
    done_emitted = true;
    auto on_done = std::move(listener.on_done);
    listener = {};
    if (on_done) on_done(std::move(result));
  }

  const Deadline deadline;
  const Clock::time_point started = Clock::now();
  std::atomic<bool> cancelled{false};

  std::mutex emit_mutex;
  StreamListener listener;
  bool done_emitted = false;

  std::mutex mutex;  // guards everything below
  SentenceSegmenter segmenter;
  std::deque<std::string> sentences;  // complete, waiting for synthesis
  bool llm_done = false;
  bool tts_busy = false;
  bool finished = false;
  bool first_token_seen = false;
  bool first_audio_seen = false;
  int next_index = 0;
  StreamOutcome outcome;
};

StreamingPipeline::StreamingPipeline(SpeechToText& stt, LanguageModel& llm, TextToSpeech& tts, StreamingOptions options)
    : stt_(stt), llm_(llm), tts_(tts), options_(std::move(options)), first_byte_(options_.protocol) {}

std::shared_ptr<StreamHandle> StreamingPipeline::Assist(AudioClip clip, Deadline deadline, StreamListener listener) {
  auto call = std::make_shared<Call>(deadline, std::move(listener), options_.max_sentence_chars);
  if (deadline.expired()) {
    call->End(DeadlineExceeded("no time left for speech recognition").WithHop("stt"));
    return call;
  }
  auto hop_start = Clock::now();
  stt_.Transcribe(std::move(clip), deadline, [this, call, hop_start](Result<Transcript> transcript) {
    stt_metrics_.Observe(Clock::now() - hop_start, transcript.status().code());
    {
      std::lock_guard lock(call->mutex);
      call->outcome.timings.stt_ms = Ms(Clock::now() - hop_start);
    }
    if (call->cancelled) return Generate(call);  // ends the call as cancelled
    if (!transcript.ok()) return call->End(transcript.status().WithHop("stt"));
    if (IsBlank(transcript->text)) {
      return call->End(Status(StatusCode::kInvalidArgument, "no speech recognised in the audio", "stt"));
    }
    {
      std::lock_guard lock(call->mutex);
      call->outcome.transcript = *transcript;
    }
    call->Emit([&](StreamListener& l) {
      if (l.on_transcript) l.on_transcript(*transcript);
    });
    Generate(call);
  });
  return call;
}

std::shared_ptr<StreamHandle> StreamingPipeline::AssistText(std::string question, Deadline deadline,
                                                            StreamListener listener, std::string language) {
  auto call = std::make_shared<Call>(deadline, std::move(listener), options_.max_sentence_chars);
  if (IsBlank(question)) {
    call->End(InvalidArgument("the question is empty"));
    return call;
  }
  call->outcome.transcript.text = std::move(question);
  call->outcome.transcript.language = std::move(language);
  Generate(call);
  return call;
}

void StreamingPipeline::Generate(std::shared_ptr<Call> call) {
  if (call->cancelled) {
    {
      std::lock_guard lock(call->mutex);
      call->llm_done = true;
    }
    return SynthesizeNext(call);
  }
  if (call->deadline.expired()) return call->End(DeadlineExceeded("no time left for the answer").WithHop("llm"));
  GenerationRequest request = options_.generation;
  {
    std::lock_guard lock(call->mutex);
    request.prompt = call->outcome.transcript.text;
  }
  auto hop_start = Clock::now();
  auto on_piece = [this, call, hop_start](std::string_view piece) {
    if (call->cancelled) return false;
    if (piece.empty()) return true;
    {
      std::lock_guard lock(call->mutex);
      if (!call->first_token_seen) {
        call->first_token_seen = true;
        const auto now = Clock::now();
        call->outcome.timings.first_token_ms = Ms(now - call->started);
        first_byte_.FirstToken(now - hop_start, now - call->started);
      }
    }
    call->Emit([&](StreamListener& l) {
      if (l.on_piece) l.on_piece(piece);
    });
    {
      std::lock_guard lock(call->mutex);
      for (auto& sentence : call->segmenter.Push(piece)) call->sentences.push_back(std::move(sentence));
    }
    SynthesizeNext(call);
    return true;
  };
  llm_.GenerateStreaming(std::move(request), call->deadline, std::move(on_piece),
                         [this, call, hop_start](Result<Generation> answer) {
                           llm_metrics_.Observe(Clock::now() - hop_start, answer.status().code());
                           const bool cancelled = call->cancelled;
                           if (!answer.ok() && !cancelled) return call->End(answer.status().WithHop("llm"));
                           if (answer.ok() && IsBlank(answer->text) && !cancelled) {
                             return call->End(Status(StatusCode::kUpstreamError, "empty answer", "llm"));
                           }
                           {
                             std::lock_guard lock(call->mutex);
                             call->outcome.timings.llm_ms = Ms(Clock::now() - hop_start);
                             if (answer.ok()) call->outcome.answer = std::move(answer).value();
                             call->llm_done = true;
                             std::string rest = call->segmenter.Flush();
                             if (!rest.empty() && !cancelled) call->sentences.push_back(std::move(rest));
                           }
                           SynthesizeNext(call);
                         });
}

void StreamingPipeline::SynthesizeNext(std::shared_ptr<Call> call) {
  enum class Next { kWait, kSpeak, kOutOfTime, kDone } next = Next::kWait;
  SynthesisRequest request;
  int index = 0;
  StreamOutcome outcome;
  {
    std::lock_guard lock(call->mutex);
    if (call->finished || call->tts_busy) return;
    const bool cancelled = call->cancelled;
    if (!cancelled && !call->sentences.empty()) {
      next = call->deadline.expired() ? Next::kOutOfTime : Next::kSpeak;
    } else if (call->llm_done) {
      next = Next::kDone;
    }
    if (next == Next::kSpeak) {
      request.text = std::move(call->sentences.front());
      call->sentences.pop_front();
      call->tts_busy = true;
      index = call->next_index++;
      // A streaming model tells the answer's language only at its end; until then the question's stands in.
      const auto& language = call->llm_done ? call->outcome.answer.language : call->outcome.transcript.language;
      request.voice = AnswerVoice(options_.voice, language);
    } else if (next == Next::kDone) {
      call->outcome.timings.total_ms = Ms(Clock::now() - call->started);
      call->outcome.cancelled = cancelled;
      outcome = call->outcome;
    }
  }
  switch (next) {
    case Next::kWait:
      return;  // the model is still writing, or a synthesis is in flight: its end calls again
    case Next::kOutOfTime:
      return call->End(DeadlineExceeded("no time left for speech").WithHop("tts"));
    case Next::kDone:
      return call->End(std::move(outcome));
    case Next::kSpeak:
      break;
  }
  auto hop_start = Clock::now();
  std::string text = request.text;
  tts_.Synthesize(std::move(request), call->deadline,
                  [this, call, hop_start, index, text = std::move(text)](Result<SpeechAudio> speech) {
                    const auto now = Clock::now();
                    tts_metrics_.Observe(now - hop_start, speech.status().code());
                    if (!speech.ok() && !call->cancelled) return call->End(speech.status().WithHop("tts"));
                    bool first = false;
                    {
                      std::lock_guard lock(call->mutex);
                      call->outcome.timings.tts_ms += Ms(now - hop_start);
                      if (speech.ok() && !call->cancelled && !call->first_audio_seen) {
                        first = call->first_audio_seen = true;
                        call->outcome.timings.first_audio_ms = Ms(now - call->started);
                      }
                    }
                    if (first) first_byte_.FirstAudio(now - hop_start, now - call->started);
                    const bool deliver = speech.ok() && !call->cancelled;
                    if (deliver) {
                      SpeechChunk chunk{index, text, std::move(speech->wav)};
                      call->Emit([&](StreamListener& l) {
                        if (l.on_speech) l.on_speech(chunk);
                      });
                    }
                    {
                      std::lock_guard lock(call->mutex);
                      call->tts_busy = false;
                      if (deliver) ++call->outcome.chunks;
                    }
                    SynthesizeNext(call);
                  });
}

void StreamingPipeline::TranscribePartial(AudioClip clip, Deadline deadline, Callback<Transcript> done) {
  stt_.Transcribe(std::move(clip), deadline, std::move(done));
}

}  // namespace maestro
