#include "pipeline/answer_voice.h"

#include <gtest/gtest.h>

namespace maestro {
namespace {

TEST(AnswerVoiceTest, TheOperatorsVoiceWinsOverTheLanguage) {
  EXPECT_EQ(AnswerVoice("en-gb", "pt"), "en-gb");
  EXPECT_EQ(AnswerVoice("pt-br", "en"), "pt-br");
}

TEST(AnswerVoiceTest, PortugueseAnswersGetTheBrazilianVoiceInAnyCase) {
  EXPECT_EQ(AnswerVoice("", "pt"), "pt-br");
  EXPECT_EQ(AnswerVoice("", "PT-BR"), "pt-br");
  EXPECT_EQ(AnswerVoice("", "pt_PT"), "pt-br");
}

TEST(AnswerVoiceTest, OtherLanguagesLeaveTheEnginesDefault) {
  EXPECT_EQ(AnswerVoice("", "en"), "");
  EXPECT_EQ(AnswerVoice("", ""), "");
  EXPECT_EQ(AnswerVoice("", "p"), "");
}

}  // namespace
}  // namespace maestro
