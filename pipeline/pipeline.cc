#include "pipeline/pipeline.h"

#include "common/text.h"
#include "pipeline/answer_voice.h"

namespace maestro {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

struct Pipeline::Call {
  Deadline deadline;
  std::string cache_key;  // the question audio, kept only when the cache is on
  Callback<AssistOutcome> done;
  AssistOutcome outcome;
  Clock::time_point started = Clock::now();
};

Pipeline::Pipeline(SpeechToText& stt, LanguageModel& llm, TextToSpeech& tts, PipelineOptions options)
    : stt_(stt), llm_(llm), tts_(tts), options_(std::move(options)) {
  if (options_.cache_bytes > 0) cache_ = std::make_unique<AnswerCache>(options_.cache_bytes);
}

void Pipeline::Assist(AudioClip clip, Deadline deadline, Callback<AssistOutcome> done) {
  auto call = std::make_shared<Call>(Call{deadline, {}, std::move(done), {}});
  if (cache_) {
    if (auto hit = cache_->Find(clip.bytes)) {
      call->outcome =
          AssistOutcome{std::move(hit->transcript), std::move(hit->answer), std::move(hit->speech), {}, true};
      call->outcome.timings.total_ms = MsSince(call->started);
      return call->done(std::move(call->outcome));
    }
    call->cache_key = clip.bytes;
  }
  if (deadline.expired()) return call->done(DeadlineExceeded("no time left for speech recognition").WithHop("stt"));
  auto hop_start = Clock::now();
  stt_.Transcribe(std::move(clip), deadline, [this, call, hop_start](Result<Transcript> transcript) {
    stt_metrics_.Observe(Clock::now() - hop_start, transcript.status().code());
    call->outcome.timings.stt_ms = MsSince(hop_start);
    if (!transcript.ok()) return call->done(transcript.status().WithHop("stt"));
    if (IsBlank(transcript->text)) {
      return call->done(Status(StatusCode::kInvalidArgument, "no speech recognised in the audio", "stt"));
    }
    call->outcome.transcript = std::move(transcript).value();
    Generate(call);
  });
}

void Pipeline::AssistText(std::string question, Deadline deadline, Callback<AssistOutcome> done) {
  auto call = std::make_shared<Call>(Call{deadline, {}, std::move(done), {}});
  if (IsBlank(question)) return call->done(InvalidArgument("the question is empty"));
  call->outcome.transcript.text = std::move(question);
  Generate(call);
}

void Pipeline::Generate(std::shared_ptr<Call> call) {
  if (call->deadline.expired()) return call->done(DeadlineExceeded("no time left for the answer").WithHop("llm"));
  GenerationRequest request = options_.generation;
  request.prompt = call->outcome.transcript.text;
  auto hop_start = Clock::now();
  llm_.Generate(std::move(request), call->deadline, [this, call, hop_start](Result<Generation> answer) {
    llm_metrics_.Observe(Clock::now() - hop_start, answer.status().code());
    call->outcome.timings.llm_ms = MsSince(hop_start);
    if (!answer.ok()) return call->done(answer.status().WithHop("llm"));
    if (IsBlank(answer->text)) return call->done(Status(StatusCode::kUpstreamError, "empty answer", "llm"));
    call->outcome.answer = std::move(answer).value();
    Synthesize(call);
  });
}

void Pipeline::Synthesize(std::shared_ptr<Call> call) {
  if (call->deadline.expired()) return call->done(DeadlineExceeded("no time left for speech").WithHop("tts"));
  SynthesisRequest request{call->outcome.answer.text, AnswerVoice(options_.voice, call->outcome.answer.language)};
  auto hop_start = Clock::now();
  tts_.Synthesize(std::move(request), call->deadline, [this, call, hop_start](Result<SpeechAudio> speech) {
    tts_metrics_.Observe(Clock::now() - hop_start, speech.status().code());
    call->outcome.timings.tts_ms = MsSince(hop_start);
    if (!speech.ok()) return call->done(speech.status().WithHop("tts"));
    call->outcome.speech = std::move(speech).value();
    call->outcome.timings.total_ms = MsSince(call->started);
    if (cache_ && !call->cache_key.empty()) {
      cache_->Store(call->cache_key, {call->outcome.transcript, call->outcome.answer, call->outcome.speech});
    }
    call->done(std::move(call->outcome));
  });
}

}  // namespace maestro
