#include "engines/emulated/emulated_engines.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "audio/wav.h"
#include "domain/blocking.h"
#include "engines/emulated/service_time.h"

namespace maestro::emulated {
namespace {

TEST(EmulatedEnginesTest, DefaultsAreSizedLikeTheOriginal) {
  auto llm = CreateLanguageModel({});
  ASSERT_TRUE(llm.ok());
  auto answer = GenerateBlocking(**llm, {.prompt = "hello"}, Deadline::In(std::chrono::seconds(1)));
  ASSERT_TRUE(answer.ok());
  int words = 1;
  for (char c : answer->text) words += c == ' ';
  EXPECT_EQ(words, 50);

  auto tts = CreateTextToSpeech({});
  ASSERT_TRUE(tts.ok());
  auto speech = SynthesizeBlocking(**tts, {.text = "hello"}, Deadline::Never());
  ASSERT_TRUE(speech.ok());
  EXPECT_EQ(audio::SniffContainer(speech->wav), "wav");
  EXPECT_EQ(speech->wav.size(), 44u + 10 * 22050 * 2);
}

TEST(EmulatedEnginesTest, PacedAnswerStreamsWordByWordWithSentences) {
  auto llm = CreateLanguageModel({{"words", "12"}, {"piece_ms", "20"}, {"sentence_words", "5"}}).value();
  std::vector<std::string> pieces;
  std::vector<std::chrono::steady_clock::time_point> arrived;
  std::promise<Result<Generation>> finished;
  llm->GenerateStreaming(
      {.prompt = "q"}, Deadline::In(std::chrono::seconds(5)),
      [&](std::string_view piece) {
        pieces.emplace_back(piece);
        arrived.push_back(std::chrono::steady_clock::now());
        return true;
      },
      [&](Result<Generation> result) { finished.set_value(std::move(result)); });
  auto answer = finished.get_future().get();
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_EQ(pieces.size(), 12u);
  std::string joined;
  for (const auto& piece : pieces) joined += piece;
  EXPECT_EQ(joined, answer->text);
  EXPECT_EQ(std::count(joined.begin(), joined.end(), '.'), 3) << joined;  // after words 5, 10 and 12
  EXPECT_EQ(joined.back(), '.');
  EXPECT_GE(arrived.back() - arrived.front(), std::chrono::milliseconds(11 * 20 - 5));
  // The unary call waits for the same paced answer.
  auto unary = GenerateBlocking(*llm, {.prompt = "q"}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(unary->text, answer->text);
  auto refused = GenerateBlocking(*llm, {.prompt = ""}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(CreateLanguageModel({{"piece_ms", "-1"}}).ok());
}

TEST(EmulatedEnginesTest, SameSeedSameAnswer) {
  auto a = CreateLanguageModel({{"seed", "7"}, {"words", "12"}});
  auto b = CreateLanguageModel({{"seed", "7"}, {"words", "12"}});
  auto c = CreateLanguageModel({{"seed", "8"}, {"words", "12"}});
  auto text = [](auto& llm) { return GenerateBlocking(*llm.value(), {.prompt = "q"}, Deadline::Never())->text; };
  EXPECT_EQ(text(a), text(b));
  EXPECT_NE(text(a), text(c));
}

TEST(EmulatedEnginesTest, RejectsUnknownAndMalformedOptions) {
  EXPECT_EQ(CreateSpeechToText({{"colour", "red"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateTextToSpeech({{"seconds", "-1"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateLanguageModel({{"mode", "nap"}}).status().code(), StatusCode::kInvalidArgument);
}

TEST(EmulatedEnginesTest, SleepingServiceTimeIsHonoured) {
  auto stt = CreateSpeechToText({{"service_ms", "30"}});
  ASSERT_TRUE(stt.ok());
  auto start = std::chrono::steady_clock::now();
  auto transcript = TranscribeBlocking(**stt, {.bytes = "RIFF"}, Deadline::Never());
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(transcript.ok());
  EXPECT_GE(elapsed, std::chrono::milliseconds(30));
}

TEST(EmulatedEnginesTest, OneWorkerServesCallsOneAfterAnother) {
  auto stt = CreateSpeechToText({{"service_ms", "40"}, {"workers", "1"}});
  ASSERT_TRUE(stt.ok());
  std::atomic<int> done{0};
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 4; ++i) {
    (*stt)->Transcribe({.bytes = "RIFF"}, Deadline::Never(), [&](Result<Transcript> result) {
      EXPECT_TRUE(result.ok());
      done++;
    });
  }
  while (done < 4) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  // Four 40 ms calls on one worker take 160 ms; without the limit they would overlap in 40 ms.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(160));
  EXPECT_EQ(CreateSpeechToText({{"workers", "-1"}}).status().code(), StatusCode::kInvalidArgument);
}

TEST(EmulatedEnginesTest, ExpiredDeadlineIsReported) {
  auto stt = CreateSpeechToText({{"service_ms", "20"}});
  auto result = TranscribeBlocking(**stt, {.bytes = "RIFF"}, Deadline::In(std::chrono::milliseconds(1)));
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded);
}

TEST(ServiceTimeTest, LognormalMatchesMeanAndIsReproducible) {
  ServiceTime time({.mean_ms = 100, .sd_ms = 50, .busy = false, .seed = 3});
  ServiceTime same({.mean_ms = 100, .sd_ms = 50, .busy = false, .seed = 3});
  double sum = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    auto d = time.DurationOfCall(i);
    EXPECT_EQ(d, same.DurationOfCall(i));
    sum += std::chrono::duration<double, std::milli>(d).count();
  }
  EXPECT_NEAR(sum / n, 100, 3);
}

}  // namespace
}  // namespace maestro::emulated
