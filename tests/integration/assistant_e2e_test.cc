// The assistant end to end on the embedded engines, as a user runs it: `maestro up --engines embedded`, each
// scenario question spoken by eSpeak NG and sent to POST /assist; the spoken answer is transcribed back with
// our own STT and must carry the answer's key facts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/maestro/ask_client.h"
#include "bench/scenarios/scenarios.h"
#include "common/text.h"
#include "domain/blocking.h"
#include "engines/engine_registry.h"
#include "engines/stt_eval/text_normalizer.h"
#include "orchestrator/stack.h"
#include "tests/support/test_support.h"

namespace maestro {
namespace {

struct Expectation {
  std::vector<std::string> answer_facts;  // must appear in the answer text
  std::vector<std::string> heard_words;   // at least one must be heard in the spoken answer
};

class AssistantEndToEndTest : public ::testing::TestWithParam<const char*> {};

TEST_P(AssistantEndToEndTest, SpokenQuestionsGetCorrectSpokenAnswers) {
  Stack stack;
  StackOptions options;
  options.binary = testing::MaestroBinary();
  options.protocol = GetParam();
  options.stt_engine = "pocketsphinx";
  options.llm_engine = "analyst";
  options.tts_engine = "espeak";
  options.port = 0;
  ASSERT_TRUE(stack.Start(options).ok());

  auto scenarios = bench::LoadScenarios(testing::SourceDir() + "/data/scenarios.yaml");
  ASSERT_TRUE(scenarios.ok()) << scenarios.status().ToString();
  auto speaker = EngineRegistry::Global().CreateTts("espeak", {});
  ASSERT_TRUE(speaker.ok());
  auto listener = EngineRegistry::Global().CreateStt("pocketsphinx", {{"model", "domain"}, {"workers", "1"}});
  ASSERT_TRUE(listener.ok());

  const std::map<std::string, Expectation> expected = {
      {"simple", {{"PETR4"}, {"petrobras"}}},
      {"traditional", {{"Ibovespa", "fixed income"}, {"ibovespa", "interest", "fixed", "volatility"}}},
      {"complex", {{"2024", "%"}, {"2024", "percent", "returns", "price", "closing"}}},
  };
  ASSERT_EQ(scenarios->scenarios.size(), expected.size());
  for (const auto& scenario : scenarios->scenarios) {
    SCOPED_TRACE(scenario.id);
    const std::string question = scenario.questions.at("en");
    auto spoken = SynthesizeBlocking(**speaker, {question, "en-us"}, Deadline::In(std::chrono::seconds(30)));
    ASSERT_TRUE(spoken.ok());
    auto reply = cli::Ask(stack.url(), spoken->wav, scenario.id + ".wav", "", std::chrono::seconds(30));
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    EXPECT_EQ(stt_eval::NormalizeText(reply->transcript), stt_eval::NormalizeText(question))
        << "our STT misheard the question";
    for (const auto& fact : expected.at(scenario.id).answer_facts) {
      EXPECT_NE(Lower(reply->answer).find(Lower(fact)), std::string::npos) << reply->answer;
    }
    auto heard =
        TranscribeBlocking(**listener, {reply->wav, "answer.wav", "audio/wav"}, Deadline::In(std::chrono::seconds(60)));
    ASSERT_TRUE(heard.ok()) << heard.status().ToString();
    const std::string heard_words = " " + stt_eval::NormalizeText(heard->text) + " ";
    std::cout << "[" << scenario.id << "] answer heard as: " << heard->text << std::endl;
    int found = 0;
    for (const auto& word : expected.at(scenario.id).heard_words)
      found += heard_words.find(" " + word + " ") != std::string::npos;
    // Long synthetic answers are far from the questions the domain model was trained on, and Debian's general
    // model hears them at over 50% WER (docs/engines.md); the domain model reliably catches the key finance
    // words, so one scenario-specific word is the bar. A silent, truncated or off-topic answer hears none.
    EXPECT_GE(found, 1) << "spoken answer heard as: " << heard->text << "\nanswer text: " << reply->answer;
  }
}

INSTANTIATE_TEST_SUITE_P(Protocols, AssistantEndToEndTest, ::testing::Values("rest", "grpc", "thrift", "inproc"));

}  // namespace
}  // namespace maestro
