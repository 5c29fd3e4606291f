#include "pipeline/pipeline.h"

#include <gtest/gtest.h>

#include "domain/blocking.h"
#include "engines/emulated/emulated_engines.h"

namespace maestro {
namespace {

// Engines that record whether they were called and answer as a test says.
class ScriptedStt final : public SpeechToText {
 public:
  Result<Transcript> reply = Transcript{"what is the ticker symbol of petrobras", "en-US", 1};
  int calls = 0;
  void Transcribe(AudioClip, Deadline, Callback<Transcript> done) override {
    ++calls;
    done(reply);
  }
};

class ScriptedLlm final : public LanguageModel {
 public:
  Result<Generation> reply = Generation{"PETR4", "en", {"instruments"}};
  int calls = 0;
  std::string last_prompt;
  void Generate(GenerationRequest request, Deadline, Callback<Generation> done) override {
    ++calls;
    last_prompt = request.prompt;
    done(reply);
  }
};

class ScriptedTts final : public TextToSpeech {
 public:
  Result<SpeechAudio> reply = SpeechAudio{"RIFF-wav"};
  int calls = 0;
  std::string last_voice;
  void Synthesize(SynthesisRequest request, Deadline, Callback<SpeechAudio> done) override {
    ++calls;
    last_voice = request.voice;
    done(reply);
  }
};

Result<AssistOutcome> AssistBlocking(Pipeline& pipeline, Deadline deadline = Deadline::In(std::chrono::seconds(5))) {
  return WaitFor<AssistOutcome>([&](Callback<AssistOutcome> done) {
    pipeline.Assist({"RIFF", "q.wav", "audio/wav"}, deadline, done);
  });
}

TEST(PipelineTest, ChainsTheThreeHops) {
  ScriptedStt stt;
  ScriptedLlm llm;
  ScriptedTts tts;
  Pipeline pipeline(stt, llm, tts, {});
  auto outcome = AssistBlocking(pipeline);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(llm.last_prompt, "what is the ticker symbol of petrobras");
  EXPECT_EQ(outcome->answer.text, "PETR4");
  EXPECT_EQ(outcome->speech.wav, "RIFF-wav");
  EXPECT_GE(outcome->timings.total_ms, 0);
}

TEST(PipelineTest, ErrorsNameTheirHopAndStopTheChain) {
  ScriptedStt stt;
  ScriptedLlm llm;
  ScriptedTts tts;
  Pipeline pipeline(stt, llm, tts, {});
  llm.reply = Status(StatusCode::kUnavailable, "connection refused");
  auto outcome = AssistBlocking(pipeline);
  EXPECT_EQ(outcome.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(outcome.status().hop(), "llm");
  EXPECT_EQ(tts.calls, 0);

  stt.reply = Status(StatusCode::kUnsupportedMedia, "not audio");
  outcome = AssistBlocking(pipeline);
  EXPECT_EQ(outcome.status().hop(), "stt");
  EXPECT_EQ(llm.calls, 1);
}

TEST(PipelineTest, EmptyTranscriptIsReportedNotAnswered) {
  ScriptedStt stt;
  ScriptedLlm llm;
  ScriptedTts tts;
  stt.reply = Transcript{"  ", "", 0};
  Pipeline pipeline(stt, llm, tts, {});
  auto outcome = AssistBlocking(pipeline);
  EXPECT_EQ(outcome.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(outcome.status().hop(), "stt");
  EXPECT_EQ(llm.calls, 0);
}

TEST(PipelineTest, SpentBudgetSkipsTheRemainingHops) {
  auto stt = emulated::CreateSpeechToText({{"service_ms", "40"}}).value();
  ScriptedLlm llm;
  ScriptedTts tts;
  Pipeline pipeline(*stt, llm, tts, {});
  auto outcome = AssistBlocking(pipeline, Deadline::In(std::chrono::milliseconds(20)));
  EXPECT_EQ(outcome.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(outcome.status().hop(), "stt");
  EXPECT_EQ(llm.calls, 0);
}

TEST(PipelineTest, PortugueseAnswersGetThePortugueseVoice) {
  ScriptedStt stt;
  ScriptedLlm llm;
  ScriptedTts tts;
  llm.reply = Generation{"O ticker da Petrobras é PETR4.", "pt-BR", {}};
  Pipeline pipeline(stt, llm, tts, {});
  ASSERT_TRUE(AssistBlocking(pipeline).ok());
  EXPECT_EQ(tts.last_voice, "pt-br");
}

TEST(PipelineTest, CacheIsOffByDefaultAndServesRepeatsWhenOn) {
  ScriptedStt stt;
  ScriptedLlm llm;
  ScriptedTts tts;
  Pipeline uncached(stt, llm, tts, {});
  ASSERT_TRUE(AssistBlocking(uncached).ok());
  ASSERT_TRUE(AssistBlocking(uncached).ok());
  EXPECT_EQ(stt.calls, 2);

  Pipeline cached(stt, llm, tts, {.generation = {}, .voice = {}, .cache_bytes = 1 << 20});
  auto first = AssistBlocking(cached);
  auto second = AssistBlocking(cached);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(first->cached);
  EXPECT_TRUE(second->cached);
  EXPECT_EQ(second->speech.wav, "RIFF-wav");
  EXPECT_EQ(stt.calls, 3);
}

TEST(AnswerCacheTest, EvictsTheLeastRecentlyUsedBeyondItsBytes) {
  AnswerCache cache(250);
  auto answer = [](char c) { return CachedAnswer{{}, {}, SpeechAudio{std::string(90, c)}}; };
  cache.Store("a", answer('a'));
  cache.Store("b", answer('b'));
  ASSERT_TRUE(cache.Find("a"));  // a is now the most recent
  cache.Store("c", answer('c'));
  EXPECT_TRUE(cache.Find("a"));
  EXPECT_FALSE(cache.Find("b"));
  EXPECT_TRUE(cache.Find("c"));
  EXPECT_LE(cache.bytes(), 250u);
  cache.Store("huge", CachedAnswer{{}, {}, SpeechAudio{std::string(1000, 'h')}});
  EXPECT_FALSE(cache.Find("huge"));
}

}  // namespace
}  // namespace maestro
