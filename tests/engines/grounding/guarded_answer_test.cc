#include "engines/grounding/guarded_answer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace maestro::grounding {
namespace {

using ::testing::ElementsAre;

struct Heard {
  std::vector<std::string> pieces;
  bool keep_listening = true;
  std::function<bool(std::string_view)> Sink() {
    return [this](std::string_view piece) {
      pieces.emplace_back(piece);
      return keep_listening;
    };
  }
};

const AnswerGuard& Guard() {
  static const AnswerGuard guard({"The ticker of Petrobras is PETR4.", "AAPL rose 34.90% in 2024."}, nullptr);
  return guard;
}

void Feed(GuardedAnswer& answer, std::string_view text) {
  for (size_t i = 0; i < text.size(); i += 3) {
    if (!answer.Push(text.substr(i, 3))) return;
  }
}

TEST(GuardedAnswerTest, GroundedSentencesStreamOneByOne) {
  Heard heard;
  GuardedAnswer answer(Guard(), "fallback", 50, heard.Sink());
  Feed(answer, "Petrobras trades as PETR4. Apple rose 34.90% in 2024.");
  EXPECT_THAT(heard.pieces, ElementsAre("Petrobras trades as PETR4."));
  EXPECT_EQ(answer.Finish(), "Petrobras trades as PETR4. Apple rose 34.90% in 2024.");
  EXPECT_THAT(heard.pieces, ElementsAre("Petrobras trades as PETR4.", " Apple rose 34.90% in 2024."));
  EXPECT_EQ(answer.grounding(), "model");
}

TEST(GuardedAnswerTest, AnUngroundedFirstSentenceFallsBackToTheAnalyst) {
  Heard heard;
  GuardedAnswer answer(Guard(), "The ticker of Petrobras is PETR4.", 50, heard.Sink());
  Feed(answer, "Petrobras trades as PETR3 at 38 reais. More text follows here.");
  EXPECT_EQ(answer.Finish(), "The ticker of Petrobras is PETR4.");
  EXPECT_THAT(heard.pieces, ElementsAre("The ticker of Petrobras is PETR4."));
  EXPECT_EQ(answer.grounding(), "analyst-fallback");
  EXPECT_THAT(answer.rejected(), ElementsAre("38", "PETR3"));
}

TEST(GuardedAnswerTest, AnUngroundedLaterSentenceIsCutAndGenerationStops) {
  Heard heard;
  GuardedAnswer answer(Guard(), "fallback", 50, heard.Sink());
  EXPECT_TRUE(answer.Push("Petrobras is PETR4. "));
  EXPECT_FALSE(answer.Push("It pays 12% dividends. "));
  EXPECT_FALSE(answer.Push("Anything else."));
  EXPECT_EQ(answer.Finish(), "Petrobras is PETR4.");
  EXPECT_EQ(answer.grounding(), "model-trimmed");
  EXPECT_THAT(answer.rejected(), ElementsAre("12"));
}

TEST(GuardedAnswerTest, AnswerThatDropsEveryFigureIsFollowedByTheAnalysts) {
  Heard heard;
  GuardedAnswer answer(Guard(), "AAPL rose 34.90% in 2024.", 50, heard.Sink());
  Feed(answer, "Apple was the best performer. ");
  EXPECT_EQ(answer.Finish(), "Apple was the best performer. AAPL rose 34.90% in 2024.");
  EXPECT_THAT(heard.pieces, ElementsAre("Apple was the best performer.", " AAPL rose 34.90% in 2024."));
  EXPECT_EQ(answer.grounding(), "model+analyst-figures");
}

TEST(GuardedAnswerTest, TheWordLimitEndsTheAnswerAtASentence) {
  Heard heard;
  GuardedAnswer answer(Guard(), "fallback", 6, heard.Sink());
  Feed(answer, "Petrobras is PETR4. It is a large oil company in Brazil. ");
  EXPECT_EQ(answer.Finish(), "Petrobras is PETR4.");
}

TEST(GuardedAnswerTest, AListenerThatLeavesStopsGeneration) {
  Heard heard;
  heard.keep_listening = false;
  GuardedAnswer answer(Guard(), "fallback", 50, heard.Sink());
  EXPECT_FALSE(answer.Push("Petrobras is PETR4. And more. "));
  EXPECT_THAT(heard.pieces, ElementsAre("Petrobras is PETR4."));
}

}  // namespace
}  // namespace maestro::grounding
