#include "engines/grounding/sentence_splitter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace maestro::grounding {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SentenceSplitterTest, SentencesEndWhenWhitespaceFollows) {
  SentenceSplitter splitter;
  EXPECT_THAT(splitter.Push("Apple rose"), IsEmpty());
  EXPECT_THAT(splitter.Push(" 34.90% in 2024."), IsEmpty());
  EXPECT_THAT(splitter.Push(" Microsoft"), ElementsAre("Apple rose 34.90% in 2024."));
  EXPECT_THAT(splitter.Push(" rose too! Good? Yes"), ElementsAre("Microsoft rose too!", "Good?"));
  EXPECT_EQ(splitter.Flush(), "Yes");
  EXPECT_EQ(splitter.Flush(), "");
}

TEST(SentenceSplitterTest, DecimalPointsDoNotEndASentence) {
  SentenceSplitter splitter;
  EXPECT_THAT(splitter.Push("It was 13.65 and 46,33 percent. "), ElementsAre("It was 13.65 and 46,33 percent."));
}

TEST(SentenceSplitterTest, LineBreaksEndASentence) {
  SentenceSplitter splitter;
  EXPECT_THAT(splitter.Push("First line\n\nSecond"), ElementsAre("First line"));
  EXPECT_EQ(splitter.Flush(), "Second");
}

}  // namespace
}  // namespace maestro::grounding
