// eSpeak NG's reading of text into IPA clauses, which the piper engine's voices are driven by.
#include "engines/common/espeak_ng.h"

#include <gtest/gtest.h>

namespace maestro::espeak {
namespace {

TEST(EspeakNgTest, ReadsEachClauseWithThePunctuationThatEndsIt) {
  auto clauses = EspeakNg::Instance().Phonemize("Hello, world. How are you? Fine!", "en-us");
  ASSERT_TRUE(clauses.ok()) << clauses.status().ToString();
  ASSERT_EQ(clauses->size(), 4U);
  const std::vector<char> terminators = {',', '.', '?', '!'};
  const std::vector<bool> sentence_ends = {false, true, true, true};
  for (size_t i = 0; i < clauses->size(); ++i) {
    EXPECT_EQ((*clauses)[i].terminator, terminators[i]) << i;
    EXPECT_EQ((*clauses)[i].ends_sentence, sentence_ends[i]) << i;
    EXPECT_FALSE((*clauses)[i].phonemes.empty()) << i;
  }
  EXPECT_EQ((*clauses)[0].phonemes, "həlˈoʊ");
}

// eSpeak NG reads a little past each clause; the mark that ends it is the last one followed by a space or quote.
TEST(EspeakNgTest, TheMarkThatEndsAClauseIsFoundPastQuotesAndAbbreviations) {
  auto clauses = EspeakNg::Instance().Phonemize("\"Really?\" she said. The U.S. market: up", "en-us");
  ASSERT_TRUE(clauses.ok()) << clauses.status().ToString();
  std::string terminators;
  for (const auto& clause : *clauses) terminators += clause.terminator == 0 ? '-' : clause.terminator;
  EXPECT_EQ(terminators, "?.:-");
  EXPECT_TRUE(clauses->back().ends_sentence);
}

TEST(EspeakNgTest, ADecimalPointDoesNotEndAClauseAndTheLastClauseEndsTheText) {
  auto clauses = EspeakNg::Instance().Phonemize("It rose 15.5 percent", "en-us");
  ASSERT_TRUE(clauses.ok()) << clauses.status().ToString();
  ASSERT_EQ(clauses->size(), 1U);
  EXPECT_EQ(clauses->front().terminator, 0);
  EXPECT_TRUE(clauses->front().ends_sentence);
}

TEST(EspeakNgTest, ReadsPortugueseAsPortuguese) {
  auto english = EspeakNg::Instance().Phonemize("Petrobras", "en-us");
  auto portuguese = EspeakNg::Instance().Phonemize("Petrobras", "pt-br");
  ASSERT_TRUE(english.ok() && portuguese.ok());
  EXPECT_NE(english->front().phonemes, portuguese->front().phonemes);
}

TEST(EspeakNgTest, AnUnknownVoiceIsInvalidArgument) {
  auto clauses = EspeakNg::Instance().Phonemize("Hello", "xx-nowhere");
  ASSERT_FALSE(clauses.ok());
  EXPECT_EQ(clauses.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace maestro::espeak
