#include "pipeline/streaming_pipeline.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "metrics/metrics.h"

namespace maestro {
namespace {

using namespace std::chrono_literals;

class FixedStt final : public SpeechToText {
 public:
  Result<Transcript> reply = Transcript{"how did the dollar do", "en-US", 1};
  void Transcribe(AudioClip, Deadline, Callback<Transcript> done) override { done(reply); }
};

// A model that writes its answer one piece at a time, each piece only when the test releases it, on its own
// thread, like a real token stream.
class SteppedLlm final : public LanguageModel {
 public:
  std::vector<std::string> pieces = {"The dollar", " rose.", " The real", " fell.", " Bye"};
  Result<Generation> final_status = Generation{};
  std::atomic<int> refused{0};  // pieces the listener refused (it cancelled)

  void Generate(GenerationRequest, Deadline, Callback<Generation> done) override {
    done(Internal("the streaming pipeline must call GenerateStreaming"));
  }
  void GenerateStreaming(GenerationRequest, Deadline, PieceSink on_piece, Callback<Generation> done) override {
    worker_ = std::thread([this, on_piece = std::move(on_piece), done = std::move(done)] {
      std::string text;
      for (const auto& piece : pieces) {
        WaitForStep();
        if (!on_piece(piece)) {
          ++refused;
          break;
        }
        text += piece;
      }
      if (!final_status.ok()) return done(final_status.status());
      done(Generation{text, "en", {"instruments"}});
    });
  }
  // Lets `n` more pieces out.
  void Step(int n = 1) {
    std::lock_guard lock(mutex_);
    steps_ += n;
    cv_.notify_all();
  }
  ~SteppedLlm() override {
    Step(1000);
    if (worker_.joinable()) worker_.join();
  }

 private:
  void WaitForStep() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return steps_ > 0; });
    --steps_;
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  int steps_ = 0;
  std::thread worker_;
};

class RecordingTts final : public TextToSpeech {
 public:
  std::mutex mutex;
  std::vector<std::string> texts;
  std::vector<std::string> voices;
  std::string fail_on;  // a sentence that gets an error
  void Synthesize(SynthesisRequest request, Deadline, Callback<SpeechAudio> done) override {
    {
      std::lock_guard lock(mutex);
      texts.push_back(request.text);
      voices.push_back(request.voice);
    }
    if (request.text == fail_on) return done(Status(StatusCode::kUnavailable, "tts down"));
    done(SpeechAudio{"WAV:" + request.text});
  }
  size_t calls() {
    std::lock_guard lock(mutex);
    return texts.size();
  }
};

// Records the events in order and lets the test wait for them.
struct Recorder {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::string> events;
  std::optional<Result<StreamOutcome>> done;

  StreamListener Listener() {
    return {[this](const Transcript& t) { Add("transcript:" + t.text); },
            [this](std::string_view piece) { Add("piece:" + std::string(piece)); },
            [this](const SpeechChunk& c) { Add("speech" + std::to_string(c.index) + ":" + c.wav); },
            [this](Result<StreamOutcome> outcome) {
              std::lock_guard lock(mutex);
              done = std::move(outcome);
              cv.notify_all();
            }};
  }
  void Add(std::string event) {
    std::lock_guard lock(mutex);
    EXPECT_FALSE(done.has_value()) << "event after on_done: " << event;
    events.push_back(std::move(event));
    cv.notify_all();
  }
  bool WaitForEvent(const std::string& event) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, 5s, [&] { return std::find(events.begin(), events.end(), event) != events.end(); });
  }
  Result<StreamOutcome> WaitDone() {
    std::unique_lock lock(mutex);
    EXPECT_TRUE(cv.wait_for(lock, 5s, [&] { return done.has_value(); }));
    return done.value_or(Result<StreamOutcome>(Internal("no on_done")));
  }
};

TEST(StreamingPipelineTest, SpeaksTheFirstSentenceWhileTheModelIsStillWriting) {
  FixedStt stt;
  SteppedLlm llm;
  RecordingTts tts;
  StreamingPipeline pipeline(stt, llm, tts, {});
  Recorder recorder;
  auto handle = pipeline.Assist({"RIFF", "q.wav", "audio/wav"}, Deadline::In(5s), recorder.Listener());
  llm.Step(3);  // "The dollar", " rose.", " The real": the first sentence is complete, the model is not done
  ASSERT_TRUE(recorder.WaitForEvent("speech0:WAV:The dollar rose."));
  EXPECT_FALSE(recorder.done.has_value());
  llm.Step(2);
  auto outcome = recorder.WaitDone();
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(recorder.events,
            (std::vector<std::string>{"transcript:how did the dollar do", "piece:The dollar", "piece: rose.",
                                      "piece: The real", "speech0:WAV:The dollar rose.", "piece: fell.", "piece: Bye",
                                      "speech1:WAV:The real fell.", "speech2:WAV:Bye"}));
  EXPECT_EQ(outcome->answer.text, "The dollar rose. The real fell. Bye");
  EXPECT_EQ(outcome->answer.sources, std::vector<std::string>{"instruments"});
  EXPECT_EQ(outcome->chunks, 3);
  EXPECT_FALSE(outcome->cancelled);
  EXPECT_GT(outcome->timings.first_token_ms, 0);
  EXPECT_GE(outcome->timings.first_audio_ms, outcome->timings.first_token_ms);
  EXPECT_LE(outcome->timings.first_audio_ms, outcome->timings.total_ms);
}

TEST(StreamingPipelineTest, CancelStopsGenerationAndSynthesis) {
  FixedStt stt;
  SteppedLlm llm;
  RecordingTts tts;
  StreamingPipeline pipeline(stt, llm, tts, {});
  Recorder recorder;
  auto handle = pipeline.Assist({"RIFF", "q.wav", "audio/wav"}, Deadline::In(5s), recorder.Listener());
  llm.Step(3);
  ASSERT_TRUE(recorder.WaitForEvent("speech0:WAV:The dollar rose."));
  handle->Cancel();
  llm.Step(10);
  auto outcome = recorder.WaitDone();
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->cancelled);
  EXPECT_EQ(llm.refused.load(), 1);  // the model was told to stop at its next piece
  EXPECT_EQ(tts.calls(), 1u);        // the half-written "The real" was never synthesized
  EXPECT_EQ(outcome->answer.text, "The dollar rose. The real");
  EXPECT_EQ(outcome->chunks, 1);
}

TEST(StreamingPipelineTest, CancelBeforeTheFirstPieceEndsTheCallWithoutSpeech) {
  FixedStt stt;
  SteppedLlm llm;
  RecordingTts tts;
  StreamingPipeline pipeline(stt, llm, tts, {});
  Recorder recorder;
  auto handle = pipeline.AssistText("what is PETR4", Deadline::In(5s), recorder.Listener());
  handle->Cancel();
  llm.Step(10);
  auto outcome = recorder.WaitDone();
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->cancelled);
  EXPECT_EQ(llm.refused.load(), 1);
  EXPECT_EQ(tts.calls(), 0u);
  EXPECT_TRUE(recorder.events.empty());
}

TEST(StreamingPipelineTest, ASynthesisErrorEndsTheCallAtTheTtsHop) {
  FixedStt stt;
  SteppedLlm llm;
  RecordingTts tts;
  tts.fail_on = "The real fell.";
  StreamingPipeline pipeline(stt, llm, tts, {});
  Recorder recorder;
  auto handle = pipeline.Assist({"RIFF", "q.wav", "audio/wav"}, Deadline::In(5s), recorder.Listener());
  llm.Step(10);
  auto outcome = recorder.WaitDone();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(outcome.status().hop(), "tts");
  EXPECT_EQ(tts.calls(), 2u);  // "Bye" is never synthesized
}

TEST(StreamingPipelineTest, ModelAndRecognizerErrorsNameTheirHop) {
  FixedStt stt;
  SteppedLlm llm;
  RecordingTts tts;
  StreamingPipeline pipeline(stt, llm, tts, {});
  {
    stt.reply = Transcript{"   ", "", 1};
    Recorder recorder;
    pipeline.Assist({"RIFF", "q.wav", "audio/wav"}, Deadline::In(5s), recorder.Listener());
    auto outcome = recorder.WaitDone();
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(outcome.status().hop(), "stt");
  }
  {
    llm.final_status = Status(StatusCode::kUpstreamError, "model crashed");
    Recorder recorder;
    pipeline.AssistText("question", Deadline::In(5s), recorder.Listener());
    llm.Step(10);
    auto outcome = recorder.WaitDone();
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.status().hop(), "llm");
  }
}

// A model that cannot stream: the interface's default hands the whole answer as one piece.
class UnaryLlm final : public LanguageModel {
 public:
  void Generate(GenerationRequest request, Deadline, Callback<Generation> done) override {
    done(Generation{"Resposta um. Resposta dois.", "pt-BR", {}});
  }
};

TEST(StreamingPipelineTest, AModelThatCannotStreamStillGetsSpeechPerSentenceInTheQuestionsVoice) {
  FixedStt stt;
  stt.reply = Transcript{"como foi o dólar", "pt-BR", 1};
  UnaryLlm llm;
  RecordingTts tts;
  StreamingPipeline pipeline(stt, llm, tts, {});
  Recorder recorder;
  pipeline.Assist({"RIFF", "q.wav", "audio/wav"}, Deadline::In(5s), recorder.Listener());
  auto outcome = recorder.WaitDone();
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(tts.texts, (std::vector<std::string>{"Resposta um.", "Resposta dois."}));
  EXPECT_EQ(tts.voices, (std::vector<std::string>{"pt-br", "pt-br"}));
  EXPECT_EQ(outcome->chunks, 2);
}

TEST(StreamingPipelineTest, ReportsTimeToFirstTokenAndAudioInMetrics) {
  FixedStt stt;
  UnaryLlm llm;
  RecordingTts tts;
  StreamingOptions options;
  options.protocol = "metrics-test";
  StreamingPipeline pipeline(stt, llm, tts, options);
  Recorder recorder;
  pipeline.Assist({"RIFF", "q.wav", "audio/wav"}, Deadline::In(5s), recorder.Listener());
  ASSERT_TRUE(recorder.WaitDone().ok());
  const std::string text = metrics::RenderText();
  EXPECT_NE(text.find("maestro_time_to_first_audio_seconds_count{protocol=\"metrics-test\",scope=\"request\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("maestro_time_to_first_token_seconds_count{protocol=\"metrics-test\",scope=\"hop\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace maestro
