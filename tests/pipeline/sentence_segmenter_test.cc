#include "pipeline/sentence_segmenter.h"

#include <gtest/gtest.h>

namespace maestro {
namespace {

using Sentences = std::vector<std::string>;

Sentences PushAll(SentenceSegmenter& segmenter, const std::vector<std::string>& pieces) {
  Sentences out;
  for (const auto& piece : pieces) {
    for (auto& sentence : segmenter.Push(piece)) out.push_back(std::move(sentence));
  }
  return out;
}

TEST(SentenceSegmenterTest, ASentenceIsCompleteWhenTheNextOneStarts) {
  SentenceSegmenter segmenter;
  EXPECT_EQ(segmenter.Push("PETR4 is Petrobras"), Sentences{});
  EXPECT_EQ(segmenter.Push("."), Sentences{});  // could still be "PETR4 is Petrobras.com"
  EXPECT_EQ(segmenter.Push(" It trades"), Sentences{"PETR4 is Petrobras."});
  EXPECT_EQ(segmenter.Push(" on B3! Done? Yes"), (Sentences{"It trades on B3!", "Done?"}));
  EXPECT_EQ(segmenter.Flush(), "Yes");
  EXPECT_EQ(segmenter.Flush(), "");
}

TEST(SentenceSegmenterTest, TokensSplitAnywhereGiveTheSameSentences) {
  const std::string text = "The dollar rose 2.5% against the real. U.S. stocks fell; Mr. Silva sold.\nEnd";
  SentenceSegmenter whole;
  Sentences expected = whole.Push(text);
  expected.push_back(whole.Flush());
  EXPECT_EQ(expected,
            (Sentences{"The dollar rose 2.5% against the real.", "U.S. stocks fell;", "Mr. Silva sold.", "End"}));
  for (size_t size = 1; size <= 7; ++size) {
    SentenceSegmenter pieces;
    std::vector<std::string> split;
    for (size_t i = 0; i < text.size(); i += size) split.push_back(text.substr(i, size));
    Sentences got = PushAll(pieces, split);
    got.push_back(pieces.Flush());
    EXPECT_EQ(got, expected) << "pieces of " << size;
  }
}

TEST(SentenceSegmenterTest, ClosingQuotesStayWithTheirSentence) {
  SentenceSegmenter segmenter;
  EXPECT_EQ(segmenter.Push("He said \"buy.\" Then (he left.) Ok"), (Sentences{"He said \"buy.\"", "Then (he left.)"}));
}

TEST(SentenceSegmenterTest, PortugueseAndEllipsis) {
  SentenceSegmenter segmenter;
  EXPECT_EQ(segmenter.Push("O dólar subiu… A Sra. Souza vendeu. Fim"),
            (Sentences{"O dólar subiu…", "A Sra. Souza vendeu."}));
}

TEST(SentenceSegmenterTest, ALongSentenceIsCutAtASpaceWithinTheLimit) {
  SentenceSegmenter segmenter(20);
  Sentences got = segmenter.Push("one two three four five six seven eight");
  ASSERT_FALSE(got.empty());
  for (const auto& sentence : got) EXPECT_LE(sentence.size(), 20u) << sentence;
  EXPECT_EQ(got.front(), "one two three four");
  std::string rebuilt;
  for (const auto& sentence : got) rebuilt += sentence + " ";
  rebuilt += segmenter.Flush();
  EXPECT_EQ(rebuilt, "one two three four five six seven eight");
}

TEST(SentenceSegmenterTest, BlankPiecesMakeNoSentence) {
  SentenceSegmenter segmenter;
  EXPECT_EQ(segmenter.Push("   \n\n  "), Sentences{});
  EXPECT_EQ(segmenter.Flush(), "");
}

}  // namespace
}  // namespace maestro
