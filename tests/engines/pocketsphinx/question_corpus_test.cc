#include "engines/pocketsphinx/question_corpus.h"

#include <gtest/gtest.h>

#include "engines/pocketsphinx/pronunciation_dictionary.h"

namespace maestro::pocketsphinx {
namespace {

TEST(QuestionCorpusTest, ExpandsEveryCombinationInOrder) {
  auto sentences = ExpandTemplates(
      "# comment\n$company = petrobras | vale\n$year = twenty twenty four | last year\n"
      "what is the ticker of $company\ncompare $company and $company in $year\n",
      {});
  ASSERT_TRUE(sentences.ok()) << sentences.status().ToString();
  ASSERT_EQ(sentences->size(), 2u + 2 * 2 * 2);
  EXPECT_EQ((*sentences)[0], "what is the ticker of petrobras");
  EXPECT_EQ((*sentences)[1], "what is the ticker of vale");
  EXPECT_EQ((*sentences)[2], "compare petrobras and petrobras in twenty twenty four");
  EXPECT_EQ((*sentences)[9], "compare vale and vale in last year");
}

TEST(QuestionCorpusTest, HeldOutSentencesAreLeftOutByNormalisedForm) {
  auto sentences =
      ExpandTemplates("$y = twenty twenty four | twenty twenty three\nbest stocks of $y\n", {"best stocks of 2023"});
  ASSERT_TRUE(sentences.ok());
  ASSERT_EQ(sentences->size(), 1u);
  EXPECT_EQ((*sentences)[0], "best stocks of twenty twenty four");
}

TEST(QuestionCorpusTest, ErrorsNameTheLine) {
  auto undefined = ExpandTemplates("\nwhat is $nothing\n", {});
  EXPECT_EQ(undefined.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(undefined.status().message().find("line 2"), std::string::npos);
  EXPECT_NE(undefined.status().message().find("$nothing"), std::string::npos);
  EXPECT_EQ(ExpandTemplates("$a = x | | y\n", {}).status().code(), StatusCode::kInvalidArgument);
  auto huge = ExpandTemplates("$a = 1 | 2 | 3 | 4\n$a $a $a $a\n", {}, 100);
  EXPECT_EQ(huge.status().code(), StatusCode::kInvalidArgument);
}

TEST(PronunciationDictionaryTest, FirstDictionaryWinsAndVariantsFollow) {
  const std::string extra = "petrobras P EH T R OW B R AA S\n";
  const std::string cmudict = "of AH V\nof(2) AH V\npetrobras P EH T R AH B R AH S\nzebra Z IY B R AH\n";
  auto dict = SelectPronunciations({"of", "petrobras"}, {extra, cmudict});
  ASSERT_TRUE(dict.ok());
  EXPECT_EQ(*dict, "of AH V\nof(2) AH V\npetrobras P EH T R OW B R AA S\n");
  auto missing = SelectPronunciations({"of", "ibovespa"}, {cmudict});
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("ibovespa"), std::string::npos);
}

}  // namespace
}  // namespace maestro::pocketsphinx
