#include "engines/analyst/text.h"

#include <gtest/gtest.h>

namespace maestro::analyst {
namespace {

using Tokens = std::vector<std::string>;

TEST(TextTest, TokenizeFoldsCaseAccentsAndPunctuation) {
  EXPECT_EQ(Tokenize("Qual é a diferença entre Renda Fixa e o Ibovespa?"),
            (Tokens{"qual", "e", "a", "diferenca", "entre", "renda", "fixa", "e", "o", "ibovespa"}));
  EXPECT_EQ(Tokenize("AÇÕES, Poupança; S&P-500 PETR4"), (Tokens{"acoes", "poupanca", "s", "p", "500", "petr4"}));
  // Characters outside Latin-1 separate tokens instead of corrupting them.
  EXPECT_EQ(Tokenize("a€b 日本 x"), (Tokens{"a", "b", "x"}));
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize("?!...").empty());
}

TEST(TextTest, SpokenNumbersBecomeDigits) {
  EXPECT_EQ(NormalizeQuestion("what were the best stocks of twenty twenty four"),
            (Tokens{"what", "were", "the", "best", "stocks", "of", "2024"}));
  EXPECT_EQ(NormalizeQuestion("two thousand and twenty four"), (Tokens{"2024"}));
  EXPECT_EQ(NormalizeQuestion("nineteen ninety nine"), (Tokens{"1999"}));
  EXPECT_EQ(NormalizeQuestion("quais foram as melhores ações de dois mil e vinte e quatro"),
            (Tokens{"quais", "foram", "as", "melhores", "acoes", "de", "2024"}));
  EXPECT_EQ(NormalizeQuestion("petr four"), (Tokens{"petr", "4"}));
  EXPECT_EQ(NormalizeQuestion("s and p five hundred"), (Tokens{"s", "and", "p", "500"}));
  EXPECT_EQ(NormalizeQuestion("duzentos e cinquenta mil"), (Tokens{"250000"}));
  // A lone "one"/"um" is an article or a pronoun, not a number.
  EXPECT_EQ(NormalizeQuestion("which one is um fundo"), (Tokens{"which", "one", "is", "um", "fundo"}));
  // "and" between words that are not numbers stays.
  EXPECT_EQ(NormalizeQuestion("petrobras and vale"), (Tokens{"petrobras", "and", "vale"}));
}

TEST(TextTest, DetectsLanguage) {
  EXPECT_EQ(DetectLanguage("What is the ticker symbol of Petrobras?"), Language::kEnglish);
  EXPECT_EQ(DetectLanguage("Qual é o código de negociação da Petrobras?"), Language::kPortuguese);
  EXPECT_EQ(DetectLanguage("quais foram as melhores acoes de dois mil e vinte e quatro"), Language::kPortuguese);
  EXPECT_EQ(DetectLanguage("what is the difference between fixed income and the ibovespa"), Language::kEnglish);
  EXPECT_EQ(DetectLanguage("qual a diferenca entre renda fixa e o ibovespa"), Language::kPortuguese);
  EXPECT_EQ(DetectLanguage("petrobras"), Language::kEnglish);  // ties go to English
  EXPECT_STREQ(LanguageTag(Language::kPortuguese), "pt-BR");
  EXPECT_STREQ(LanguageTag(Language::kEnglish), "en");
}

TEST(TextTest, StopwordsAndWordCount) {
  EXPECT_TRUE(IsStopword("the"));
  EXPECT_TRUE(IsStopword("da"));
  EXPECT_FALSE(IsStopword("ibovespa"));
  EXPECT_EQ(CountWords("  one two\tthree\n"), 3);
  EXPECT_EQ(CountWords(""), 0);
}

}  // namespace
}  // namespace maestro::analyst
