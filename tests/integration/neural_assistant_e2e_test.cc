// The assistant end to end on the neural engines, as a user runs it by default (`maestro up`): each scenario
// question spoken by RHVoice in Brazilian Portuguese and in English goes to POST /assist; the transcript must be
// the question, the answer must carry the facts in the question's language, and the spoken answer, heard back by
// Whisper, must say them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include "apps/maestro/ask_client.h"
#include "domain/blocking.h"
#include "bench/scenarios/scenarios.h"
#include "engines/analyst/text.h"
#include "engines/engine_registry.h"
#include "engines/stt_eval/text_normalizer.h"
#include "orchestrator/engine_sets.h"
#include "orchestrator/stack.h"
#include "tests/support/test_support.h"

namespace maestro {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

struct Expectation {
  std::vector<std::string> answer_facts;  // must appear in the answer text
  std::vector<std::string> heard_words;   // at least one must be heard in the spoken answer (normalised)
};

const std::map<std::string, std::map<std::string, Expectation>>& Expected() {
  static const std::map<std::string, std::map<std::string, Expectation>> expected = {
      {"simple",
       {{"en", {{"PETR4"}, {"petrobras", "petr4", "petr", "ticker"}}},
        {"pt-BR", {{"PETR4"}, {"petrobras", "petr4", "petr", "codigo"}}}}},
      {"traditional",
       {{"en", {{"fixed income", "Ibovespa"}, {"ibovespa", "fixed", "income"}}},
        {"pt-BR", {{"renda fixa", "Ibovespa"}, {"ibovespa", "renda", "fixa"}}}}},
      {"complex",
       {{"en", {{"2024", "%"}, {"2024", "percent"}}}, {"pt-BR", {{"2024", "%"}, {"2024", "percent", "cento"}}}}},
  };
  return expected;
}

class NeuralAssistantTest : public ::testing::TestWithParam<const char*> {};

TEST_P(NeuralAssistantTest, SpokenQuestionsInBothLanguagesGetGroundedSpokenAnswers) {
  auto engines = ResolveEngineSet("neural");
  ASSERT_TRUE(engines.ok());
  ASSERT_TRUE(CheckModels(*engines, {}).ok()) << CheckModels(*engines, {}).ToString();
  Stack stack;
  StackOptions options;
  options.binary = testing::MaestroBinary();
  options.protocol = GetParam();
  options.stt_engine = engines->stt;
  options.llm_engine = engines->llm;
  options.tts_engine = engines->tts;
  options.maestro_flags = {"--timeout-ms", "60000"};
  options.port = 0;
  ASSERT_TRUE(stack.Start(options).ok());

  auto scenarios = bench::LoadScenarios(testing::SourceDir() + "/data/scenarios.yaml");
  ASSERT_TRUE(scenarios.ok()) << scenarios.status().ToString();
  auto speaker = EngineRegistry::Global().CreateTts("rhvoice", {});
  ASSERT_TRUE(speaker.ok()) << speaker.status().ToString();
  auto listener = EngineRegistry::Global().CreateStt("whisper", {});
  ASSERT_TRUE(listener.ok()) << listener.status().ToString();

  for (const auto& scenario : scenarios->scenarios) {
    for (const auto& [language, expectation] : Expected().at(scenario.id)) {
      SCOPED_TRACE(scenario.id + " " + language);
      const std::string question = scenario.questions.at(language);
      auto spoken = SynthesizeBlocking(**speaker, {question, scenarios->voices.at(language)},
                                       Deadline::In(std::chrono::seconds(30)));
      ASSERT_TRUE(spoken.ok()) << spoken.status().ToString();
      auto reply = cli::Ask(stack.url(), spoken->wav, scenario.id + ".wav", "", std::chrono::seconds(90));
      ASSERT_TRUE(reply.ok()) << reply.status().ToString();
      std::cout << "[" << scenario.id << " " << language << "] heard: " << reply->transcript
                << "\n  answer: " << reply->answer << std::endl;
      EXPECT_EQ(stt_eval::NormalizeText(reply->transcript), stt_eval::NormalizeText(question));
      EXPECT_EQ(analyst::LanguageTag(analyst::DetectLanguage(reply->answer)), language) << reply->answer;
      for (const auto& fact : expectation.answer_facts) {
        EXPECT_NE(Lower(reply->answer).find(Lower(fact)), std::string::npos) << fact << " in: " << reply->answer;
      }
      auto heard = TranscribeBlocking(**listener, {reply->wav, "answer.wav", "audio/wav"},
                                      Deadline::In(std::chrono::seconds(90)));
      ASSERT_TRUE(heard.ok()) << heard.status().ToString();
      const std::string heard_words = " " + stt_eval::NormalizeText(heard->text) + " ";
      int found = 0;
      for (const auto& word : expectation.heard_words) found += heard_words.find(" " + word + " ") != std::string::npos;
      EXPECT_GE(found, 1) << "spoken answer heard as: " << heard->text << "\nanswer text: " << reply->answer;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Protocols, NeuralAssistantTest, ::testing::Values("rest", "grpc", "thrift", "inproc"));

}  // namespace
}  // namespace maestro
