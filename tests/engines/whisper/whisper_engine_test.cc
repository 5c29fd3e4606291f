// The whisper engine with the real default model from the model store (`maestro models fetch` puts it there),
// hearing questions spoken by the RHVoice engine in both of the assistant's languages.
#include "engines/whisper/whisper_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "audio/decode.h"
#include "domain/blocking.h"
#include "engines/common/model_locator.h"
#include "engines/engine_registry.h"
#include "engines/stt_eval/text_normalizer.h"
#include "tests/support/test_support.h"

namespace maestro::whisper {
namespace {

using ::testing::HasSubstr;

std::string SpeakWith(const std::string& engine, const std::string& text, const std::string& voice) {
  auto tts = EngineRegistry::Global().CreateTts(engine, {});
  EXPECT_TRUE(tts.ok()) << tts.status().ToString();
  if (!tts.ok()) return "";
  auto speech = SynthesizeBlocking(**tts, {text, voice}, Deadline::In(std::chrono::seconds(60)));
  EXPECT_TRUE(speech.ok()) << speech.status().ToString();
  return speech.ok() ? speech->wav : "";
}

std::string Speak(const std::string& text, const std::string& voice) {
  return SpeakWith("rhvoice", text, voice);
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

// language=auto chooses between Portuguese and English only, and the transcript is written in the language
// chosen: a Portuguese question decoded as English comes back translated, which the expected words catch.
TEST(WhisperEngineTest, AutoLanguageIsPortugueseOrEnglishAndTheTranscriptIsInIt) {
  struct Case {
    std::string engine, voice, text, language, heard;
  };
  const std::vector<Case> cases = {
      {"rhvoice", "pt-br", "Qual é a diferença entre renda fixa e o Ibovespa?", "pt-BR", "renda fixa"},
      {"rhvoice", "pt-br", "Quais ações tiveram o melhor desempenho em 2024?", "pt-BR", "melhor desempenho"},
      {"rhvoice", "en-us", "What is the difference between fixed income and the Ibovespa?", "en", "fixed income"},
      {"espeak", "en-us", "Which stocks performed best in 2024?", "en", "performed best"},
  };
  for (const auto& c : cases) {
    auto heard = Hear(Engine(), SpeakWith(c.engine, c.text, c.voice));
    ASSERT_TRUE(heard.ok()) << c.engine << " " << c.voice << ": " << heard.status().ToString();
    EXPECT_EQ(heard->language, c.language) << c.engine << " " << c.voice << ": " << heard->text;
    EXPECT_THAT(stt_eval::NormalizeText(heard->text), HasSubstr(c.heard)) << c.engine << " " << c.voice;
  }
  // Spanish, which Whisper's own language identification over all its languages calls Spanish: the engine
  // still answers in one of the assistant's two languages.
  auto spanish = Hear(Engine(), SpeakWith("espeak", "¿Cuál es el código de la acción de Petrobras?", "es"));
  ASSERT_TRUE(spanish.ok()) << spanish.status().ToString();
  EXPECT_THAT(spanish->language, ::testing::AnyOf("pt-BR", "en")) << spanish->text;
}

// Beam search and clips longer than one 30 s window go through whisper_full rather than the single-pass
// greedy decoder; both must still hear the whole clip in the detected language.
TEST(WhisperEngineTest, BeamSearchAndLongClipsAreHeardToTheEnd) {
  auto beam = CreateSpeechToText({{"beam", "2"}});
  ASSERT_TRUE(beam.ok()) << beam.status().ToString();
  auto heard = Hear(**beam, Speak("Qual é o código do ativo da Petrobras?", "pt-br"));
  ASSERT_TRUE(heard.ok()) << heard.status().ToString();
  EXPECT_EQ(heard->language, "pt-BR");
  EXPECT_THAT(stt_eval::NormalizeText(heard->text), HasSubstr("petrobras"));

  // About 35 s in eSpeak NG's en-us voice.
  const std::string long_text =
      "The analyst compares fixed income with the Ibovespa over the last twelve months. Then it looks at the "
      "stocks of Petrobras, Vale and Itaú one by one, and explains why the oil company paid such large "
      "dividends. Interest rates stayed high for most of the year, so savers who kept their money in bonds did "
      "well. Exporters gained when the currency weakened in the second half. Banks reported record profits, "
      "although credit grew slowly. Retailers suffered from expensive loans, and miners followed the price of "
      "iron ore in China. Most investors ended the year with a mix of both. That is the end of the report.";
  const std::string wav = SpeakWith("espeak", long_text, "en-us");
  auto clip = audio::DecodeToSpeechPcm(wav);
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  ASSERT_GT(clip->seconds(), 30.0) << "the clip must span two windows";
  auto whole = Hear(Engine(), wav);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(whole->language, "en");
  EXPECT_THAT(stt_eval::NormalizeText(whole->text), HasSubstr("end of the report"));
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
  EXPECT_EQ(CreateSpeechToText({{"audio_ctx_min", "1501"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace maestro::whisper
