// The load generator's time to first body byte against POST /assist/stream: the first sentence's audio leaves
// while the second is still being synthesised, so the first byte comes well before the response ends.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "audio/wav.h"
#include "bench/load/load_generator.h"
#include "orchestrator/assist_server.h"
#include "tests/support/test_support.h"

namespace maestro::bench {
namespace {

using namespace std::chrono_literals;

class FixedStt final : public SpeechToText {
 public:
  void Transcribe(AudioClip, Deadline, Callback<Transcript> done) override { done(Transcript{"question", "en", 1}); }
};

class TwoSentenceLlm final : public LanguageModel {
 public:
  void Generate(GenerationRequest, Deadline, Callback<Generation> done) override {
    done(Generation{"First sentence. Second sentence.", "en", {}});
  }
};

// Speaks the first sentence at once and the second after 300 ms, on a thread of its own like a remote TTS.
class SlowSecondSentenceTts final : public TextToSpeech {
 public:
  void Synthesize(SynthesisRequest request, Deadline, Callback<SpeechAudio> done) override {
    SpeechAudio speech{audio::EncodeWav(std::vector<int16_t>(2205, 100), 22050)};
    if (request.text == "First sentence.") return done(std::move(speech));
    std::lock_guard lock(mutex_);
    workers_.emplace_back([speech, done] {
      std::this_thread::sleep_for(300ms);
      done(speech);
    });
  }
  ~SlowSecondSentenceTts() override {
    std::lock_guard lock(mutex_);
    for (auto& worker : workers_) worker.join();
  }

 private:
  std::mutex mutex_;
  std::vector<std::thread> workers_;
};

TEST(FirstByteTest, StreamedAnswersReachTheirFirstByteLongBeforeTheirEnd) {
  FixedStt stt;
  TwoSentenceLlm llm;
  SlowSecondSentenceTts tts;
  Pipeline pipeline(stt, llm, tts, {});
  StreamingPipeline streaming(stt, llm, tts, {});
  AssistServerOptions options;
  options.port = 0;
  auto server = std::move(AssistServer::Start(pipeline, options, &streaming).value());

  LoadConfig config;
  config.url = "http://127.0.0.1:" + std::to_string(server->port()) + "/assist/stream";
  config.method = "POST";
  config.body = testing::ToneWav(0.2);
  config.body_file_name = "q.wav";
  config.multipart_field = "file";
  config.mode = LoadMode::kClosed;
  config.vus = 1;
  config.warmup = 0ms;
  config.duration = 2000ms;
  config.timeout = 5000ms;
  config.expect_content_type = "audio/wav";
  auto summary = RunLoad(config);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_GT(summary->succeeded, 2u);
  EXPECT_EQ(summary->errors.total(), 0u);
  const double first_ms = static_cast<double>(summary->first_byte.ValueAtPercentile(50)) / 1e6;
  const double whole_ms = static_cast<double>(summary->latency.ValueAtPercentile(50)) / 1e6;
  EXPECT_GE(whole_ms, 300);
  EXPECT_LT(first_ms + 250, whole_ms) << "first byte " << first_ms << " ms, whole " << whole_ms << " ms";
  EXPECT_EQ(summary->first_byte.count(), summary->latency.count());
}

}  // namespace
}  // namespace maestro::bench
