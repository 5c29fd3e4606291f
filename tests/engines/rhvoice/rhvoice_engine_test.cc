#include "engines/rhvoice/rhvoice_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>

#include "audio/decode.h"
#include "domain/blocking.h"

namespace maestro::rhvoice {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<TextToSpeech> Engine(EngineOptions options = {}) {
  auto engine = CreateTextToSpeech(std::move(options));
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return std::move(engine).value();
}

double Seconds(const std::string& wav) {
  auto decoded = audio::DecodeToSpeechPcm(wav);
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() ? decoded->seconds() : 0;
}

TEST(RhvoiceEngineTest, SpeaksBrazilianPortugueseAndEnglish) {
  auto tts = Engine();
  auto pt = SynthesizeBlocking(*tts, {"Qual é o código do ativo da Petrobras?", "pt-br"},
                               Deadline::In(std::chrono::seconds(20)));
  ASSERT_TRUE(pt.ok()) << pt.status().ToString();
  EXPECT_GT(Seconds(pt->wav), 1.2);
  EXPECT_LT(Seconds(pt->wav), 6.0);
  auto en =
      SynthesizeBlocking(*tts, {"What is the ticker symbol of Petrobras?", ""}, Deadline::In(std::chrono::seconds(20)));
  ASSERT_TRUE(en.ok()) << en.status().ToString();
  EXPECT_GT(Seconds(en->wav), 1.2);
}

// RHVoice 1.8 shares state between its engines: two engines speaking on two threads diverged in 7 of 30 runs
// before every call into the library was serialized. Concurrent requests, into one engine and into two engines of
// the same process, must give exactly the audio one request gives alone.
TEST(RhvoiceEngineTest, ConcurrentRequestsSpeakExactlyAsOneRequestAlone) {
  const std::vector<std::string> texts = {"A Petrobras negocia como PETR4 na B3.", "Apple rose 34.90% in 2024.",
                                          "O Ibovespa é o principal índice da bolsa brasileira.",
                                          "Fixed income pays a known rate."};
  auto voice = [](size_t i) { return i % 2 == 0 ? "pt-br" : "en-us"; };
  auto first = Engine();
  std::vector<std::string> expected;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto speech = SynthesizeBlocking(*first, {texts[i], voice(i)}, Deadline::In(std::chrono::seconds(30)));
    ASSERT_TRUE(speech.ok()) << speech.status().ToString();
    expected.push_back(speech->wav);
  }
  auto second = Engine();
  for (int round = 0; round < 4; ++round) {
    std::vector<std::future<Result<SpeechAudio>>> pending;
    for (size_t i = 0; i < texts.size(); ++i) {
      TextToSpeech* engine = (i + round) % 2 == 0 ? first.get() : second.get();
      pending.push_back(std::async(std::launch::async, [&texts, &voice, engine, i] {
        return SynthesizeBlocking(*engine, {texts[i], voice(i)}, Deadline::In(std::chrono::seconds(60)));
      }));
    }
    for (size_t i = 0; i < texts.size(); ++i) {
      auto speech = pending[i].get();
      ASSERT_TRUE(speech.ok()) << speech.status().ToString();
      EXPECT_EQ(speech->wav, expected[i]) << "text " << i << " round " << round;
    }
  }
}

TEST(RhvoiceEngineTest, BadRequestsGetTypedErrors) {
  auto tts = Engine({{"max_text", "100"}});
  auto empty = SynthesizeBlocking(*tts, {"", ""}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  auto large = SynthesizeBlocking(*tts, {std::string(101, 'a'), ""}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(large.status().code(), StatusCode::kInvalidArgument);
  auto voice = SynthesizeBlocking(*tts, {"hello", "klingon"}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(voice.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(voice.status().message(), HasSubstr("klingon"));
  auto late = SynthesizeBlocking(*tts, {"hello", ""}, Deadline::In(std::chrono::milliseconds(0)));
  EXPECT_EQ(late.status().code(), StatusCode::kDeadlineExceeded);
}

TEST(RhvoiceEngineTest, OptionsAreChecked) {
  EXPECT_EQ(CreateTextToSpeech({{"voice", "klingon"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateTextToSpeech({{"rate", "9"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateTextToSpeech({{"colour", "red"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateTextToSpeech({{"workers", "2"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateTextToSpeech({{"data_dir", "/nonexistent"}}).status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace maestro::rhvoice
