#include "audio/voice_activity.h"

#include <gtest/gtest.h>

#include <random>

#include "audio/decode.h"
#include "domain/blocking.h"
#include "engines/espeak/espeak_engine.h"

namespace maestro::audio {
namespace {

using Event = UtteranceDetector::Event;

std::vector<int16_t> Hiss(double seconds, unsigned seed = 7);

// Real speech from eSpeak NG, at 16 kHz, over the same faint noise as the rest of the "microphone" signal (a
// real microphone never gives digital silence).
std::vector<int16_t> Speech(const std::string& text) {
  auto tts = espeak::CreateTextToSpeech({});
  EXPECT_TRUE(tts.ok());
  auto wav = SynthesizeBlocking(**tts, {.text = text}, Deadline::Never());
  EXPECT_TRUE(wav.ok());
  auto pcm = DecodeToSpeechPcm(wav->wav);
  EXPECT_TRUE(pcm.ok());
  auto noise = Hiss(pcm->seconds() + 0.1, 11);
  for (size_t i = 0; i < pcm->samples.size(); ++i) pcm->samples[i] = static_cast<int16_t>(pcm->samples[i] + noise[i]);
  return pcm->samples;
}

std::vector<int16_t> Silence(double seconds) {
  return std::vector<int16_t>(static_cast<size_t>(seconds * kVadSampleRate), 0);
}

// Faint noise, far below speech level (a quiet room's microphone).
std::vector<int16_t> Hiss(double seconds, unsigned seed) {
  std::mt19937 random(seed);
  std::normal_distribution<double> noise(0, 20);
  std::vector<int16_t> out(static_cast<size_t>(seconds * kVadSampleRate));
  for (auto& s : out) s = static_cast<int16_t>(noise(random));
  return out;
}

UtteranceDetector MakeDetector(UtteranceOptions options = {}) {
  auto detector = VoiceDetector::Create();
  EXPECT_TRUE(detector.ok()) << detector.status().ToString();
  return UtteranceDetector(std::move(detector).value(), options);
}

// Feeds `samples` in 20 ms pieces (a browser's typical frame), collecting events.
std::vector<Event> Feed(UtteranceDetector& detector, const std::vector<int16_t>& samples, size_t piece = 320) {
  std::vector<Event> events;
  for (size_t i = 0; i < samples.size(); i += piece) {
    auto part = std::span<const int16_t>(samples).subspan(i, std::min(piece, samples.size() - i));
    for (Event e : detector.Push(part)) events.push_back(e);
  }
  return events;
}

TEST(VoiceActivityTest, FindsOneUtteranceBetweenSilences) {
  auto detector = MakeDetector();
  const auto speech = Speech("What is the ticker symbol of Petrobras?");
  EXPECT_TRUE(Feed(detector, Hiss(1.0)).empty());
  EXPECT_EQ(Feed(detector, speech), std::vector<Event>{Event::kSpeechStarted});
  EXPECT_TRUE(detector.in_speech());
  EXPECT_EQ(Feed(detector, Hiss(1.0)), std::vector<Event>{Event::kUtteranceEnded});
  const auto utterance = detector.TakeUtterance();
  // The utterance is the speech, give or take the pre-roll, eSpeak's own pauses and the detector's frames.
  const double seconds = static_cast<double>(utterance.size()) / kVadSampleRate;
  const double spoken = static_cast<double>(speech.size()) / kVadSampleRate;
  EXPECT_GT(seconds, spoken * 0.7);
  EXPECT_LT(seconds, spoken + 0.7);
}

TEST(VoiceActivityTest, SilenceOrNoiseAloneIsNoUtterance) {
  auto silent = MakeDetector();
  EXPECT_TRUE(Feed(silent, Silence(2.0)).empty());
  EXPECT_FALSE(silent.EndNow());
  auto noisy = MakeDetector();
  EXPECT_TRUE(Feed(noisy, Hiss(3.0)).empty());
  EXPECT_FALSE(noisy.EndNow());
}

TEST(VoiceActivityTest, TwoQuestionsAreTwoUtterances) {
  auto detector = MakeDetector();
  std::vector<int16_t> audio = Hiss(0.5);
  for (int i = 0; i < 2; ++i) {
    auto speech = Speech("How much did the dollar rise today?");
    audio.insert(audio.end(), speech.begin(), speech.end());
    auto gap = Hiss(1.0);
    audio.insert(audio.end(), gap.begin(), gap.end());
  }
  EXPECT_EQ(Feed(detector, audio, 479), (std::vector<Event>{Event::kSpeechStarted, Event::kUtteranceEnded,
                                                            Event::kSpeechStarted, Event::kUtteranceEnded}));
}

TEST(VoiceActivityTest, ALongUtteranceIsCutAtTheLimitAndStopEndsOneEarly) {
  UtteranceOptions options;
  options.max_utterance = std::chrono::milliseconds(1000);
  auto detector = MakeDetector(options);
  auto speech = Speech("What were the best stocks of twenty twenty four, and how did the dollar do against the real?");
  auto events = Feed(detector, speech);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0], Event::kSpeechStarted);
  EXPECT_EQ(events[1], Event::kUtteranceEnded);
  EXPECT_LE(detector.TakeUtterance().size(), 1000u * kVadSampleRate / 1000);

  // The speaker presses stop halfway through a question.
  auto stopped = MakeDetector();
  auto question = Speech("What is my account balance in dollars");
  question.resize(question.size() / 2);
  EXPECT_EQ(Feed(stopped, question), std::vector<Event>{Event::kSpeechStarted});
  EXPECT_TRUE(stopped.EndNow());
  EXPECT_GT(stopped.TakeUtterance().size(), question.size() / 2);
  EXPECT_FALSE(stopped.EndNow());
}

}  // namespace
}  // namespace maestro::audio
