// The piper engine with the real en_US-joe-medium voice from the model store (the ctest fixture fetches it),
// heard back by the whisper engine.
#include "engines/piper/piper_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "audio/decode.h"
#include "domain/blocking.h"
#include "engines/common/model_locator.h"
#include "engines/engine_registry.h"
#include "engines/stt_eval/text_normalizer.h"
#include "tests/support/test_support.h"

namespace maestro::piper {
namespace {

using ::testing::HasSubstr;

// Without sampling noise, so that every run hears the same audio.
TextToSpeech& Voice() {
  static auto engine = CreateTextToSpeech({{"noise_scale", "0"}, {"noise_w", "0"}});
  EXPECT_TRUE(engine.ok()) << engine.status().ToString() << " — run scripts/fetch-models.sh";
  return **engine;
}

Result<SpeechAudio> Speak(TextToSpeech& tts, const std::string& text, const std::string& voice = "",
                          std::chrono::milliseconds budget = std::chrono::seconds(60)) {
  return SynthesizeBlocking(tts, {text, voice}, Deadline::In(budget));
}

std::string Hear(const std::string& wav) {
  static auto stt = EngineRegistry::Global().CreateStt("whisper", {{"language", "en"}});
  EXPECT_TRUE(stt.ok()) << stt.status().ToString();
  auto heard = TranscribeBlocking(**stt, {wav, "a.wav", "audio/wav"}, Deadline::In(std::chrono::seconds(300)));
  EXPECT_TRUE(heard.ok()) << heard.status().ToString();
  return heard.ok() ? stt_eval::NormalizeText(heard->text) : "";
}

double Seconds(const std::string& wav) {
  auto decoded = audio::DecodeToSpeechPcm(wav);
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() ? decoded->seconds() : 0;
}

TEST(PiperEngineTest, SpeaksEnglishThatWhisperHears) {
  auto speech = Speak(Voice(), "What is the ticker symbol of Petrobras?");
  ASSERT_TRUE(speech.ok()) << speech.status().ToString();
  auto decoded = audio::DecodeToSpeechPcm(speech->wav);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->source_rate, 22050);
  EXPECT_GT(decoded->seconds(), 1.0);
  EXPECT_LT(decoded->seconds(), 6.0);
  EXPECT_THAT(Hear(speech->wav), HasSubstr("symbol of petrobras"));
}

TEST(PiperEngineTest, EverySentenceIsSpokenWithAPauseBetween) {
  auto one = Speak(Voice(), "Fixed income paid more last year.");
  auto two = Speak(Voice(), "Fixed income paid more last year. The index paid less, by far.", "en-us");
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_GT(Seconds(two->wav), Seconds(one->wav) + 1.0);
  const std::string heard = Hear(two->wav);
  EXPECT_THAT(heard, HasSubstr("fixed income"));
  EXPECT_THAT(heard, HasSubstr("paid less"));
}

TEST(PiperEngineTest, WithoutSamplingNoiseTheSameTextGivesTheSameAudio) {
  auto first = Speak(Voice(), "Petrobras closed higher.");
  auto second = Speak(Voice(), "Petrobras closed higher.");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->wav, second->wav);
}

TEST(PiperEngineTest, TheVoicesOwnSamplingNoiseVariesTheAudio) {
  auto natural = CreateTextToSpeech({});
  ASSERT_TRUE(natural.ok()) << natural.status().ToString();
  auto first = Speak(**natural, "Petrobras closed higher.");
  auto second = Speak(**natural, "Petrobras closed higher.");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->wav, second->wav);
}

TEST(PiperEngineTest, AVoiceInAnotherLanguageIsInvalidArgument) {
  auto speech = Speak(Voice(), "Qual é o código do ativo da Petrobras?", "pt-br");
  ASSERT_FALSE(speech.ok());
  EXPECT_EQ(speech.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(speech.status().message(), HasSubstr("en_US only"));
}

TEST(PiperEngineTest, ARequestPastItsDeadlineIsDeadlineExceeded) {
  auto speech = Speak(Voice(), "Too late.", "", std::chrono::milliseconds(0));
  ASSERT_FALSE(speech.ok());
  EXPECT_EQ(speech.status().code(), StatusCode::kDeadlineExceeded);
}

TEST(PiperEngineTest, TooMuchTextIsRefusedBeforeAnyWork) {
  auto speech = Speak(Voice(), std::string(4097, 'a'));
  ASSERT_FALSE(speech.ok());
  EXPECT_EQ(speech.status().code(), StatusCode::kInvalidArgument);
}

TEST(PiperEngineTest, ATruncatedVoiceIsATypedError) {
  auto model = LocateModel("piper", "piper-en-us-joe");
  auto config = LocateModel("piper", "piper-en-us-joe-config");
  ASSERT_TRUE(model.ok() && config.ok());
  testing::TempDir dir;
  const auto truncated = dir.path() / "voice.onnx";
  testing::WriteFile(truncated, testing::ReadFile(*model).substr(0, 1 << 20));
  std::filesystem::copy_file(*config, truncated.string() + ".json");
  auto engine = CreateTextToSpeech({{"model", truncated.string()}});
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(engine.status().message(), HasSubstr("cannot load the voice network"));
}

TEST(PiperEngineTest, AVoiceWithoutItsConfigurationIsNotFound) {
  auto model = LocateModel("piper", "piper-en-us-joe");
  ASSERT_TRUE(model.ok());
  testing::TempDir dir;
  const auto alone = dir.path() / "voice.onnx";
  std::filesystem::copy_file(*model, alone);
  auto engine = CreateTextToSpeech({{"model", alone.string()}});
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), StatusCode::kNotFound);
}

TEST(PiperEngineTest, BadOptionsAreInvalidArgument) {
  for (const EngineOptions& options : std::vector<EngineOptions>{
           {{"rate", "3"}}, {{"noise_w", "-1"}}, {{"speaker", "1"}}, {{"threads", "0"}}, {{"colour", "blue"}}}) {
    auto engine = CreateTextToSpeech(options);
    ASSERT_FALSE(engine.ok()) << options.begin()->first;
    EXPECT_EQ(engine.status().code(), StatusCode::kInvalidArgument) << engine.status().ToString();
  }
}

}  // namespace
}  // namespace maestro::piper
