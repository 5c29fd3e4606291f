#include "bench/scenarios/scenarios.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engines/analyst/analyst.h"
#include "tests/support/test_support.h"

namespace maestro::bench {
namespace {

using ::testing::HasSubstr;

TEST(ScenariosTest, TheRepositoryFileHasTheThesisQuestions) {
  auto set = LoadScenarios(testing::SourceDir() + "/data/scenarios.yaml");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->scenarios.size(), 3u);
  EXPECT_EQ(set->scenarios[0].id, "simple");
  EXPECT_EQ(set->scenarios[0].context, "instruments");
  EXPECT_EQ(set->scenarios[0].questions.at("en"), "What is the ticker symbol of Petrobras?");
  EXPECT_EQ(set->scenarios[1].id, "traditional");
  EXPECT_EQ(set->scenarios[1].context, "glossary");
  EXPECT_EQ(set->scenarios[1].questions.at("en"), "What is the difference between fixed income and the Ibovespa?");
  EXPECT_EQ(set->scenarios[2].id, "complex");
  EXPECT_EQ(set->scenarios[2].context, "prices");
  EXPECT_EQ(set->scenarios[2].questions.at("en"), "What were the best stocks of 2024?");
  EXPECT_EQ(set->voices.at("pt-BR"), "pt-br");
}

TEST(ScenariosTest, EveryScenarioIsAnsweredFromItsContextInBothLanguages) {
  auto set = LoadScenarios(testing::SourceDir() + "/data/scenarios.yaml");
  ASSERT_TRUE(set.ok());
  auto engine = analyst::Analyst::Create({testing::SourceDir() + "/data/knowledge", ""});
  ASSERT_TRUE(engine.ok());
  const std::map<std::string, std::string> kSourcePrefix = {
      {"instruments", "instruments.csv"}, {"glossary", "glossary.yaml"}, {"prices", "prices_synthetic_2024.csv"}};
  for (const auto& scenario : set->scenarios) {
    for (const auto& [language, question] : scenario.questions) {
      auto answer = (*engine)->Answer(question);
      EXPECT_EQ(answer.language, language) << question;
      ASSERT_FALSE(answer.sources.empty()) << question;
      EXPECT_THAT(answer.sources[0], HasSubstr(kSourcePrefix.at(scenario.context))) << question;
    }
  }
}

TEST(ScenariosTest, RejectsBadFiles) {
  EXPECT_EQ(ParseScenarios("scenarios: 3").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseScenarios("{").status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ParseScenarios("scenarios:\n  - {id: a, context: prices, questions: {en: q}}\n").status().message(),
              HasSubstr("pt-BR"));
  EXPECT_THAT(
      ParseScenarios("scenarios:\n  - {id: a, context: weather, questions: {en: q, pt-BR: q}}\n").status().message(),
      HasSubstr("context"));
  EXPECT_THAT(ParseScenarios("scenarios:\n  - {id: a, context: prices, questions: {en: q, pt-BR: q}}\n"
                             "  - {id: a, context: prices, questions: {en: q, pt-BR: q}}\n")
                  .status()
                  .message(),
              HasSubstr("duplicate"));
  EXPECT_EQ(LoadScenarios("/nonexistent.yaml").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace maestro::bench
