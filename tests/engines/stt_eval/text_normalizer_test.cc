#include "engines/stt_eval/text_normalizer.h"

#include <gtest/gtest.h>

namespace maestro::stt_eval {
namespace {

TEST(TextNormalizerTest, CasePunctuationAndAccents) {
  EXPECT_EQ(NormalizeText("What is the ticker symbol of Petrobras?"), "what is the ticker symbol of petrobras");
  EXPECT_EQ(NormalizeText("Does Itaú pay dividends?!"), "does itau pay dividends");
  EXPECT_EQ(NormalizeText("What's the \"forty-two line Bible\"..."), "what's the 42 line bible");
  EXPECT_EQ(NormalizeText("'quoted' words, and commas; too"), "quoted words and commas too");
  EXPECT_EQ(NormalizeText("S&P 500 up 5%"), "s and p 500 up 5 percent");
  EXPECT_EQ(NormalizeText(""), "");
}

TEST(TextNormalizerTest, YearsWrittenOrSpokenAgree) {
  EXPECT_EQ(NormalizeText("2024"), "2024");
  EXPECT_EQ(NormalizeText("twenty twenty four"), "2024");
  EXPECT_EQ(NormalizeText("two thousand twenty four"), "2024");
  EXPECT_EQ(NormalizeText("two thousand and twenty four"), "2024");
  EXPECT_EQ(NormalizeText("fourteen fifty-five"), "1455");
  EXPECT_EQ(NormalizeText("of about 1455,"), "of about 1455");
  EXPECT_EQ(NormalizeText("nineteen oh five"), "1905");
  EXPECT_EQ(NormalizeText("nineteen hundred"), "1900");
}

TEST(TextNormalizerTest, CardinalsAndSeparateDigits) {
  EXPECT_EQ(NormalizeText("the s and p five hundred"), "the s and p 500");
  EXPECT_EQ(NormalizeText("one hundred and five dollars"), "105 dollars");
  EXPECT_EQ(NormalizeText("three million two hundred thousand"), "3200000");
  EXPECT_EQ(NormalizeText("1,000 shares"), "1000 shares");
  EXPECT_EQ(NormalizeText("five five"), "5 5");
  EXPECT_EQ(NormalizeText("ten of clubs"), "10 of clubs");
  EXPECT_EQ(NormalizeText("twenty five"), "25");
  EXPECT_EQ(NormalizeText("johnson and johnson"), "johnson and johnson");
  EXPECT_EQ(NormalizeText("3.5 percent"), "3.5 percent");
}

}  // namespace
}  // namespace maestro::stt_eval
