// The whisper engine with the real default model from the model store (`maestro models fetch` puts it there),
// hearing questions spoken by the RHVoice engine in both of the assistant's languages.
#include "engines/whisper/whisper_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "domain/blocking.h"
#include "engines/common/model_locator.h"
#include "engines/engine_registry.h"
#include "engines/stt_eval/text_normalizer.h"
#include "tests/support/test_support.h"

namespace maestro::whisper {
namespace {

using ::testing::HasSubstr;

std::string Speak(const std::string& text, const std::string& voice) {
  static auto tts = EngineRegistry::Global().CreateTts("rhvoice", {});
  EXPECT_TRUE(tts.ok()) << tts.status().ToString();
  auto speech = SynthesizeBlocking(**tts, {text, voice}, Deadline::In(std::chrono::seconds(30)));
  EXPECT_TRUE(speech.ok()) << speech.status().ToString();
  return speech.ok() ? speech->wav : "";
}

SpeechToText& Engine() {
  static auto engine = CreateSpeechToText({});
  EXPECT_TRUE(engine.ok()) << engine.status().ToString() << " — run `build/maestro models fetch --defaults`";
  return **engine;
}

Result<Transcript> Hear(SpeechToText& stt, std::string wav,
                        std::chrono::milliseconds budget = std::chrono::seconds(300)) {
  return TranscribeBlocking(stt, {std::move(wav), "q.wav", "audio/wav"}, Deadline::In(budget));
}

TEST(WhisperEngineTest, HearsAnEnglishQuestion) {
  auto heard = Hear(Engine(), Speak("What is the ticker symbol of Petrobras?", "en-us"));
  ASSERT_TRUE(heard.ok()) << heard.status().ToString();
  EXPECT_EQ(heard->language, "en");
  EXPECT_THAT(stt_eval::NormalizeText(heard->text), HasSubstr("symbol of petrobras"));
}

TEST(WhisperEngineTest, HearsABrazilianPortugueseQuestion) {
  auto heard = Hear(Engine(), Speak("Qual é o código do ativo da Petrobras?", "pt-br"));
  ASSERT_TRUE(heard.ok()) << heard.status().ToString();
  EXPECT_EQ(heard->language, "pt-BR");
  EXPECT_THAT(stt_eval::NormalizeText(heard->text), HasSubstr("codigo do ativo da petrobras"));
}

TEST(WhisperEngineTest, BadAudioAndSpentBudgetsGetTypedErrors) {
  auto junk = Hear(Engine(), std::string(4000, 'x'));
  EXPECT_EQ(junk.status().code(), StatusCode::kUnsupportedMedia);
  auto late = Hear(Engine(), testing::ToneWav(2.0), std::chrono::milliseconds(0));
  EXPECT_EQ(late.status().code(), StatusCode::kDeadlineExceeded);
  // A budget that runs out mid-decode aborts whisper.cpp through its abort callback.
  auto cut = Hear(Engine(), Speak("What were the best performing stocks of twenty twenty four?", "en-us"),
                  std::chrono::milliseconds(150));
  EXPECT_EQ(cut.status().code(), StatusCode::kDeadlineExceeded);
}

TEST(WhisperEngineTest, ATruncatedModelIsATypedErrorNotACrash) {
  auto model = LocateModel("whisper", kDefaultModel);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  testing::TempDir dir;
  const auto size = std::filesystem::file_size(*model);
  for (auto keep : {size_t{16}, size_t{200000}, static_cast<size_t>(size / 2)}) {
    const auto truncated = dir.path() / ("truncated-" + std::to_string(keep) + ".bin");
    std::ifstream in(*model, std::ios::binary);
    std::string bytes(keep, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(keep));
    testing::WriteFile(truncated, bytes);
    auto engine = CreateSpeechToText({{"model", truncated.string()}});
    EXPECT_EQ(engine.status().code(), StatusCode::kInvalidArgument) << keep;
    EXPECT_THAT(engine.status().message(), HasSubstr("not a usable whisper.cpp model"));
  }
}

TEST(WhisperEngineTest, AMissingModelNamesTheFetchCommand) {
  testing::TempDir empty;
  setenv("MAESTRO_MODELS_DIR", empty.path().c_str(), 1);
  auto engine = CreateSpeechToText({});
  unsetenv("MAESTRO_MODELS_DIR");
  EXPECT_EQ(engine.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(engine.status().message(), HasSubstr("maestro models fetch whisper-base"));
  EXPECT_EQ(CreateSpeechToText({{"language", "fr"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateSpeechToText({{"beam", "99"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace maestro::whisper
