// The voice page in a real browser: Debian's Chromium, headless, with a fake microphone that plays a question
// spoken by eSpeak NG, against Maestro with the classic engines (PocketSphinx, analyst, eSpeak NG) in process.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "audio/decode.h"
#include "audio/wav.h"
#include "domain/blocking.h"
#include "engines/engine_registry.h"
#include "orchestrator/assist_server.h"
#include "tests/support/test_support.h"

namespace maestro {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A TTS that always fails: the page then shows an answer but never plays one.
class BrokenTts final : public TextToSpeech {
 public:
  void Synthesize(SynthesisRequest, Deadline, Callback<SpeechAudio> done) override {
    done(Status(StatusCode::kUnavailable, "speech synthesis is down"));
  }
};

class VoicePageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists("/usr/bin/chromium")) << "Debian's chromium is not installed (scripts/bootstrap.sh)";
    auto& registry = EngineRegistry::Global();
    stt_ = std::move(registry.CreateStt("pocketsphinx", {}).value());
    llm_ = std::move(registry.CreateLlm("analyst", {}).value());
    tts_ = std::move(registry.CreateTts("espeak", {}).value());
  }

  void Serve(TextToSpeech& tts) {
    pipeline_ = std::make_unique<Pipeline>(*stt_, *llm_, tts, PipelineOptions{});
    streaming_ = std::make_unique<StreamingPipeline>(*stt_, *llm_, tts, StreamingOptions{});
    AssistServerOptions options;
    options.port = 0;
    options.timeout = std::chrono::milliseconds(20000);
    // Chromium's fake microphone plays the file in real time; on a busy machine its capture stalls now and then,
    // and a stall longer than the default 600 ms of silence once ended the question after "ticker symbol" (CI,
    // fault tests running beside), and so did a 1.5 s one beside a ThreadSanitizer server, hence the time scale.
    // The question itself has no pause that long.
    options.streaming.utterance.end_silence = EndSilence();
    server_ = std::move(AssistServer::Start(*pipeline_, options, streaming_.get()).value());
  }

  static std::chrono::milliseconds EndSilence() { return std::chrono::milliseconds(1500) * testing::TimeScale(); }

  // Writes a question as the microphone will hear it: a second of silence, the speech, then silence long
  // enough for the voice detector to call the end of the utterance.
  fs::path QuestionWav(const std::string& text) {
    std::vector<int16_t> samples(16000, 0);
    if (!text.empty()) {
      auto speech = SynthesizeBlocking(*tts_, {.text = text}, Deadline::Never());
      EXPECT_TRUE(speech.ok());
      auto pcm = audio::DecodeToSpeechPcm(speech->wav);
      EXPECT_TRUE(pcm.ok());
      samples.insert(samples.end(), pcm->samples.begin(), pcm->samples.end());
    }
    samples.resize(samples.size() + static_cast<size_t>(16 * (EndSilence().count() + 2500)), 0);
    fs::path path = dir_.path() / "question.wav";
    testing::WriteFile(path, audio::EncodeWav(samples, 16000));
    return path;
  }

  // Runs the page check; RETURNS its exit code and what it saw.
  std::pair<int, json> Check(const fs::path& wav, const std::string& screenshot) {
    const std::string url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/";
    const std::string command = std::string("PLAYWRIGHT_CORE=") + MAESTRO_PLAYWRIGHT_CORE + " timeout 180 " +
                                MAESTRO_NODE + " " + MAESTRO_WEB_CHECK + " " + url + " " + wav.string() + " " +
                                screenshot + " 2>" + (dir_.path() / "node.log").string();
    FILE* pipe = popen(command.c_str(), "r");
    std::string out;
    std::array<char, 4096> buffer{};
    while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
    const int status = pclose(pipe);
    json seen = json::parse(out, nullptr, false);
    return {WEXITSTATUS(status), seen.is_discarded() ? json{{"raw", out}} : seen};
  }

  testing::TempDir dir_;
  std::unique_ptr<SpeechToText> stt_;
  std::unique_ptr<LanguageModel> llm_;
  std::unique_ptr<TextToSpeech> tts_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<StreamingPipeline> streaming_;
  std::unique_ptr<AssistServer> server_;
};

TEST_F(VoicePageTest, TheMicrophoneQuestionIsTranscribedAnsweredAndSpoken) {
  Serve(*tts_);
  auto [code, seen] = Check(QuestionWav("What is the ticker symbol of Petrobras?"), "voice_page.png");
  ASSERT_EQ(code, 0) << seen.dump() << "\n" << testing::ReadFile(dir_.path() / "node.log");
  EXPECT_TRUE(seen["loaded"].get<bool>());
  EXPECT_EQ(seen["protocol"], "inproc");
  EXPECT_TRUE(seen["micStreamed"].get<bool>());
  EXPECT_NE(seen["transcript"].get<std::string>().find("petrobras"), std::string::npos) << seen.dump();
  EXPECT_NE(seen["answer"].get<std::string>().find("PETR4"), std::string::npos) << seen.dump();
  EXPECT_GT(seen["sources"].get<int>(), 0);
  EXPECT_GT(seen["played"].get<int>(), 0);
  // The words showed while the question was still spoken (partial transcripts, one per second of speech).
  EXPECT_GT(seen["partials"].get<int>(), 0) << seen.dump();
  EXPECT_TRUE(fs::file_size("voice_page.png") > 1000);
}

// The check is not vacuous: a silent microphone gives no transcript, and a TTS that fails gives no audio.
TEST_F(VoicePageTest, TheCheckFailsWithoutSpeechOrWithoutAudio) {
  Serve(*tts_);
  auto [silent_code, silent] = Check(QuestionWav(""), "voice_page_silent.png");
  EXPECT_NE(silent_code, 0) << silent.dump();
  EXPECT_EQ(silent["transcript"], "") << silent.dump();

  server_.reset();
  BrokenTts broken;
  Serve(broken);
  auto [mute_code, mute] = Check(QuestionWav("What is the ticker symbol of Petrobras?"), "voice_page_mute.png");
  EXPECT_NE(mute_code, 0) << mute.dump();
  EXPECT_EQ(mute["played"], 0) << mute.dump();
}

}  // namespace
}  // namespace maestro
