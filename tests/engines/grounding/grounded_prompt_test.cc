#include "engines/grounding/grounded_prompt.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace maestro::grounding {
namespace {

using ::testing::HasSubstr;

TEST(GroundedPromptTest, SystemPromptIsTheFinancialAssistantInTheQuestionsLanguage) {
  EXPECT_THAT(SystemPrompt(analyst::Language::kEnglish), HasSubstr("at most 50 words"));
  EXPECT_THAT(SystemPrompt(analyst::Language::kPortuguese), HasSubstr("no máximo 50 palavras"));
  EXPECT_THAT(SystemPrompt(analyst::Language::kPortuguese), HasSubstr("português do Brasil"));
}

TEST(GroundedPromptTest, FactsComeBeforeTheQuestion) {
  analyst::RetrievedContext context;
  context.language = analyst::Language::kPortuguese;
  context.passages = {"O código da Petrobras é PETR4."};
  const std::string message = UserMessage(context, "Qual é o código da Petrobras?");
  EXPECT_EQ(message, "Fatos:\n- O código da Petrobras é PETR4.\n\nPergunta: Qual é o código da Petrobras?");
  context.passages.clear();
  context.language = analyst::Language::kEnglish;
  EXPECT_THAT(UserMessage(context, "Who?"), HasSubstr("- (no facts found)"));
}

}  // namespace
}  // namespace maestro::grounding
