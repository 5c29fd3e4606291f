#include "engines/espeak/espeak_engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "audio/decode.h"
#include "audio/wav.h"
#include "domain/blocking.h"

namespace maestro::espeak {
namespace {

std::unique_ptr<TextToSpeech> Make(EngineOptions options = {}) {
  auto tts = CreateTextToSpeech(std::move(options));
  EXPECT_TRUE(tts.ok()) << tts.status().ToString();
  return std::move(tts.value());
}

double Seconds(const std::string& wav) {
  auto decoded = audio::DecodeToSpeechPcm(wav);
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() ? decoded->seconds() : 0;
}

TEST(EspeakEngineTest, SpeaksEnglishAsA22kHzWav) {
  auto tts = Make();
  auto speech = SynthesizeBlocking(*tts, {.text = "What is the ticker symbol of Petrobras?"}, Deadline::Never());
  ASSERT_TRUE(speech.ok()) << speech.status().ToString();
  EXPECT_EQ(audio::SniffContainer(speech->wav), "wav");
  auto decoded = audio::DecodeToSpeechPcm(speech->wav);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->source_rate, 22050);
  EXPECT_EQ(decoded->source_channels, 1);
  EXPECT_GT(decoded->seconds(), 1.0);
  EXPECT_LT(decoded->seconds(), 5.0);
}

TEST(EspeakEngineTest, SpeaksBrazilianPortuguese) {
  auto tts = Make({{"voice", "pt-br"}});
  auto speech = SynthesizeBlocking(*tts, {.text = "Qual é o código de negociação da Petrobras?"}, Deadline::Never());
  ASSERT_TRUE(speech.ok()) << speech.status().ToString();
  EXPECT_GT(Seconds(speech->wav), 1.0);
}

TEST(EspeakEngineTest, RequestVoiceOverridesTheDefault) {
  auto tts = Make();
  auto variant = SynthesizeBlocking(*tts, {.text = "fixed income", .voice = "en-gb+f3"}, Deadline::Never());
  ASSERT_TRUE(variant.ok()) << variant.status().ToString();
  auto unknown = SynthesizeBlocking(*tts, {.text = "fixed income", .voice = "klingon"}, Deadline::Never());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  auto bad_variant = SynthesizeBlocking(*tts, {.text = "fixed income", .voice = "en-us+nope"}, Deadline::Never());
  EXPECT_EQ(bad_variant.status().code(), StatusCode::kInvalidArgument);
}

TEST(EspeakEngineTest, RateChangesTheDuration) {
  const std::string text = "What is the difference between fixed income and the Ibovespa?";
  auto slow = SynthesizeBlocking(*Make({{"rate", "120"}}), {.text = text}, Deadline::Never());
  auto fast = SynthesizeBlocking(*Make({{"rate", "300"}}), {.text = text}, Deadline::Never());
  ASSERT_TRUE(slow.ok() && fast.ok());
  EXPECT_GT(Seconds(slow->wav), 1.8 * Seconds(fast->wav));
}

TEST(EspeakEngineTest, RejectsBadOptionsAndText) {
  EXPECT_EQ(CreateTextToSpeech({{"voice", "xx-nowhere"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateTextToSpeech({{"rate", "10"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateTextToSpeech({{"rate", "fast"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateTextToSpeech({{"pitch", "50"}}).status().code(), StatusCode::kInvalidArgument);
  auto tts = Make({{"max_text", "20"}});
  EXPECT_EQ(SynthesizeBlocking(*tts, {.text = ""}, Deadline::Never()).status().code(), StatusCode::kInvalidArgument);
  auto long_text = SynthesizeBlocking(*tts, {.text = std::string(21, 'a')}, Deadline::Never());
  EXPECT_EQ(long_text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(SynthesizeBlocking(*tts, {.text = std::string(20, 'a')}, Deadline::Never()).ok());
}

TEST(EspeakEngineTest, ExpiredDeadlineIsReported) {
  auto tts = Make();
  auto speech = SynthesizeBlocking(*tts, {.text = "too late"}, Deadline::In(std::chrono::milliseconds(-1)));
  EXPECT_EQ(speech.status().code(), StatusCode::kDeadlineExceeded);
}

// Without the shared synthesis thread, concurrent calls crash libespeak-ng (SIGFPE, platform notes §6).
TEST(EspeakEngineTest, ConcurrentRequestsFromManyEnginesAreSafe) {
  auto a = Make();
  auto b = Make({{"voice", "pt-br"}, {"queue", "1000"}});
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto& tts = (t % 2) ? *a : *b;
        auto speech =
            SynthesizeBlocking(tts, {.text = "dividend yield number " + std::to_string(i)}, Deadline::Never());
        if (speech.ok() && Seconds(speech->wav) > 0.5) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 40);
}

TEST(EspeakEngineTest, CallerNeverBlocksAndOverloadIsTyped) {
  auto tts = Make({{"queue", "2"}});
  const std::string text(3000, 'a');
  std::atomic<int> called{0}, overloaded{0}, succeeded{0};
  std::promise<void> all_done;
  const int requests = 20;
  const auto caller = std::this_thread::get_id();
  std::atomic<bool> ran_on_caller{false};
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < requests; ++i) {
    tts->Synthesize({.text = text}, Deadline::Never(), [&](Result<SpeechAudio> result) {
      if (result.ok()) {
        ++succeeded;
        if (std::this_thread::get_id() == caller) ran_on_caller = true;
      }
      if (result.status().code() == StatusCode::kOverloaded) ++overloaded;
      if (++called == requests) all_done.set_value();
    });
  }
  const auto submitted = std::chrono::steady_clock::now() - start;
  all_done.get_future().wait();
  const auto finished = std::chrono::steady_clock::now() - start;
  EXPECT_LT(submitted * 5, finished) << "Synthesize waited for the synthesis";
  EXPECT_GT(overloaded.load(), 0);
  EXPECT_GE(succeeded.load(), 2);
  EXPECT_EQ(succeeded + overloaded, requests);
  EXPECT_FALSE(ran_on_caller.load());
}

}  // namespace
}  // namespace maestro::espeak
