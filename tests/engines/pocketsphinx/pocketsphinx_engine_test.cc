#include "engines/pocketsphinx/pocketsphinx_engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "audio/wav.h"
#include "domain/blocking.h"
#include "engines/espeak/espeak_engine.h"
#include "engines/stt_eval/text_normalizer.h"
#include "engines/stt_eval/word_error_rate.h"

namespace maestro::pocketsphinx {
namespace {

const char* kThesisQuestions[] = {"What is the ticker symbol of Petrobras?",
                                  "What is the difference between fixed income and the Ibovespa?",
                                  "What were the best stocks of 2024?"};

std::string Speak(const std::string& text) {
  static auto tts = espeak::CreateTextToSpeech({});
  auto speech = SynthesizeBlocking(**tts, {.text = text}, Deadline::Never());
  EXPECT_TRUE(speech.ok()) << speech.status().ToString();
  return speech.ok() ? speech->wav : "";
}

// Engines are expensive to build (LM estimation, decoder loading), so the tests share one per configuration.
SpeechToText& Engine(const EngineOptions& options) {
  static std::map<EngineOptions, std::unique_ptr<SpeechToText>> engines;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  auto& engine = engines[options];
  if (!engine) {
    auto created = CreateSpeechToText(options);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (created.ok()) engine = std::move(created.value());
  }
  return *engine;
}

TEST(PocketsphinxEngineTest, ThesisQuestionsRoundTripThroughEspeak) {
  auto& stt = Engine({{"workers", "2"}});
  for (const char* question : kThesisQuestions) {
    for (int rate : {150, 175, 190}) {
      static std::map<int, std::unique_ptr<TextToSpeech>> voices;
      if (!voices[rate]) voices[rate] = std::move(espeak::CreateTextToSpeech({{"rate", std::to_string(rate)}}).value());
      auto speech = SynthesizeBlocking(*voices[rate], {.text = question}, Deadline::Never());
      ASSERT_TRUE(speech.ok());
      auto transcript = TranscribeBlocking(stt, {.bytes = speech->wav}, Deadline::In(std::chrono::seconds(60)));
      ASSERT_TRUE(transcript.ok()) << transcript.status().ToString();
      EXPECT_EQ(stt_eval::NormalizeText(transcript->text), stt_eval::NormalizeText(question)) << rate << " wpm";
      EXPECT_EQ(transcript->language, "en-US");
      EXPECT_GT(transcript->confidence, 0.5);
    }
  }
}

TEST(PocketsphinxEngineTest, ConcurrentCallsEachGetTheirOwnAnswer) {
  auto& stt = Engine({{"workers", "2"}});
  std::vector<std::string> clips;
  for (const char* question : kThesisQuestions) clips.push_back(Speak(question));
  const int calls = 12;
  std::vector<std::promise<Result<Transcript>>> results(calls);
  const auto caller = std::this_thread::get_id();
  std::atomic<bool> done_on_caller{false};
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) {
    stt.Transcribe({.bytes = clips[static_cast<size_t>(i) % clips.size()]}, Deadline::In(std::chrono::seconds(120)),
                   [&, i](Result<Transcript> result) {
                     if (std::this_thread::get_id() == caller) done_on_caller = true;
                     results[static_cast<size_t>(i)].set_value(std::move(result));
                   });
  }
  const auto submitted = std::chrono::steady_clock::now() - start;
  for (int i = 0; i < calls; ++i) {
    auto result = results[static_cast<size_t>(i)].get_future().get();
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(stt_eval::NormalizeText(result->text),
              stt_eval::NormalizeText(kThesisQuestions[static_cast<size_t>(i) % clips.size()]));
  }
  // Twelve decodes take seconds; handing them over must not.
  EXPECT_LT(submitted, std::chrono::milliseconds(200));
  EXPECT_FALSE(done_on_caller.load());
}

TEST(PocketsphinxEngineTest, FullQueueAnswersOverloaded) {
  auto& stt = Engine({{"workers", "1"}, {"queue", "1"}, {"model", "domain"}});
  const std::string clip = Speak(kThesisQuestions[1]);
  const int calls = 8;
  std::atomic<int> overloaded{0}, succeeded{0}, finished{0};
  std::promise<void> all;
  for (int i = 0; i < calls; ++i) {
    stt.Transcribe({.bytes = clip}, Deadline::In(std::chrono::seconds(120)), [&](Result<Transcript> result) {
      if (result.ok()) ++succeeded;
      if (result.status().code() == StatusCode::kOverloaded) ++overloaded;
      if (++finished == calls) all.set_value();
    });
  }
  all.get_future().wait();
  EXPECT_GE(overloaded.load(), calls - 3);
  EXPECT_GE(succeeded.load(), 1);
  EXPECT_EQ(succeeded + overloaded, calls);
}

TEST(PocketsphinxEngineTest, DeadlinesAreEnforced) {
  auto& stt = Engine({{"workers", "1"}, {"model", "domain"}});
  auto expired = TranscribeBlocking(stt, {.bytes = Speak("what is my account balance")},
                                    Deadline::In(std::chrono::milliseconds(-1)));
  EXPECT_EQ(expired.status().code(), StatusCode::kDeadlineExceeded);
  // Sixty seconds of speech cannot decode in 50 ms: the decoder stops mid-way.
  std::string long_text;
  for (int i = 0; i < 20; ++i) long_text += "What is the difference between fixed income and the Ibovespa? ";
  const auto start = std::chrono::steady_clock::now();
  auto cut = TranscribeBlocking(stt, {.bytes = Speak(long_text)}, Deadline::In(std::chrono::milliseconds(50)));
  EXPECT_EQ(cut.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(PocketsphinxEngineTest, BadAudioGetsTypedErrors) {
  auto& stt = Engine({{"workers", "1"}, {"model", "domain"}, {"max_seconds", "5"}, {"max_bytes", "2000000"}});
  auto text = TranscribeBlocking(stt, {.bytes = "this is not audio"}, Deadline::Never());
  EXPECT_EQ(text.status().code(), StatusCode::kUnsupportedMedia);
  EXPECT_EQ(TranscribeBlocking(stt, {.bytes = ""}, Deadline::Never()).status().code(), StatusCode::kInvalidArgument);
  auto big = TranscribeBlocking(stt, {.bytes = std::string(2000001, 'x')}, Deadline::Never());
  EXPECT_EQ(big.status().code(), StatusCode::kPayloadTooLarge);
  auto long_audio =
      TranscribeBlocking(stt, {.bytes = audio::EncodeWav(std::vector<int16_t>(16000 * 6), 16000)}, Deadline::Never());
  EXPECT_EQ(long_audio.status().code(), StatusCode::kPayloadTooLarge);
  auto silence =
      TranscribeBlocking(stt, {.bytes = audio::EncodeWav(std::vector<int16_t>(16000), 16000)}, Deadline::Never());
  ASSERT_TRUE(silence.ok()) << silence.status().ToString();
  EXPECT_EQ(silence->text, "");
}

TEST(PocketsphinxEngineTest, RejectsBadOptions) {
  EXPECT_EQ(CreateSpeechToText({{"model", "huge"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateSpeechToText({{"workers", "0"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateSpeechToText({{"fallback_below", "3"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateSpeechToText({{"colour", "red"}}).status().code(), StatusCode::kInvalidArgument);
  auto no_data = CreateSpeechToText({{"data_dir", "/nonexistent"}, {"model", "domain"}});
  EXPECT_EQ(no_data.status().code(), StatusCode::kNotFound);
}

// Real read speech outside the finance domain (Debian's pocketsphinx-testdata, LibriVox): the domain LM can only
// force finance words onto it; auto notices the poor LM fit and answers with the general model instead.
TEST(PocketsphinxEngineTest, OutOfDomainSpeechFallsBackToTheGeneralModel) {
  const std::filesystem::path clip =
      "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav";
  if (!std::filesystem::exists(clip))
    GTEST_FAIL() << "pocketsphinx-testdata is not installed (scripts/bootstrap.sh installs it)";
  std::ifstream in(clip, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  auto domain =
      TranscribeBlocking(Engine({{"workers", "1"}, {"model", "domain"}}), {.bytes = bytes.str()}, Deadline::Never());
  auto automatic = TranscribeBlocking(Engine({{"workers", "2"}}), {.bytes = bytes.str()}, Deadline::Never());
  ASSERT_TRUE(domain.ok() && automatic.ok());
  const auto reference = stt_eval::NormalizeWords("he was not an ill disposed young man");
  const auto domain_errors = stt_eval::AlignWords(reference, stt_eval::NormalizeWords(domain->text)).errors();
  const auto auto_errors = stt_eval::AlignWords(reference, stt_eval::NormalizeWords(automatic->text)).errors();
  EXPECT_LE(auto_errors, 2u) << automatic->text;
  EXPECT_GE(domain_errors, 5u) << domain->text;
}

}  // namespace
}  // namespace maestro::pocketsphinx
