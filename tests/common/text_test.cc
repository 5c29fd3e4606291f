#include "common/text.h"

#include <gtest/gtest.h>

#include <string>

#include "common/csv.h"

namespace maestro {
namespace {

TEST(TextTest, LowerTouchesOnlyAsciiLetters) {
  EXPECT_EQ(Lower("Content-Type: Audio/WAV"), "content-type: audio/wav");
  EXPECT_EQ(Lower("AÇÃO"), "aÇÃo");  // UTF-8 bytes pass through; FoldLatin1 handles accents
}

TEST(TextTest, CountWordsCountsRunsBetweenWhiteSpace) {
  EXPECT_EQ(CountWords(""), 0u);
  EXPECT_EQ(CountWords(" \t\n"), 0u);
  EXPECT_EQ(CountWords("Apple rose 34,90% em 2024."), 5u);
  EXPECT_EQ(CountWords("  a\nb\t c  "), 3u);
}

TEST(TextTest, IsBlankIsTrueOnlyForWhiteSpace) {
  EXPECT_TRUE(IsBlank(""));
  EXPECT_TRUE(IsBlank(" \t\r\n\v\f"));
  EXPECT_FALSE(IsBlank("  a "));
  EXPECT_FALSE(IsBlank("\xc3\xa9"));
}

TEST(TextTest, TrimDropsAsciiWhiteSpaceAtBothEnds) {
  EXPECT_EQ(Trim(" \t a b \r\n"), "a b");
  EXPECT_EQ(Trim(" \t\r\n"), "");
  EXPECT_EQ(Trim(""), "");
}

TEST(TextTest, FoldLatin1GivesTheBaseLetter) {
  std::string folded;
  const std::string text = "ÀÉÎÕÜÇÑàéîõüçñÿßÆ";
  for (size_t i = 0; i + 1 < text.size(); i += 2) {
    ASSERT_EQ(static_cast<unsigned char>(text[i]), 0xC3);
    folded += FoldLatin1(static_cast<unsigned char>(text[i + 1]));
  }
  EXPECT_EQ(folded, "aeioucnaeioucnysa");
  EXPECT_EQ(FoldLatin1(0x97), '\0');  // ×
  EXPECT_EQ(FoldLatin1(0xB7), '\0');  // ÷
  EXPECT_EQ(FoldLatin1(0x41), '\0');  // not a continuation byte
}

TEST(CsvTest, SplitsQuotedFieldsAndDoubledQuotes) {
  auto fields = SplitCsvLine(R"(PETR4,"Petrobras, ""PN""",,12.5)");
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  EXPECT_EQ(*fields, (std::vector<std::string>{"PETR4", "Petrobras, \"PN\"", "", "12.5"}));
  EXPECT_EQ(SplitCsvLine("").value(), std::vector<std::string>{""});
  EXPECT_FALSE(SplitCsvLine(R"(a,"open)").ok());
  EXPECT_FALSE(SplitCsvLine(R"("a"b,c)").ok());
  EXPECT_FALSE(SplitCsvLine("a\nb").ok());
}

TEST(CsvTest, ReaderKeepsNewlinesInsideQuotesAndCountsLines) {
  CsvReader reader("\xEF\xBB\xBFname,note\r\nx,\"two\nlines\"\ny,z\n");
  std::vector<std::string> fields;
  ASSERT_TRUE(reader.Next(fields).ok());
  EXPECT_EQ(fields, (std::vector<std::string>{"name", "note"}));
  ASSERT_TRUE(reader.Next(fields).ok());
  EXPECT_EQ(fields, (std::vector<std::string>{"x", "two\nlines"}));
  EXPECT_EQ(reader.line(), 4u);
  ASSERT_TRUE(reader.Next(fields).ok());
  EXPECT_EQ(fields, (std::vector<std::string>{"y", "z"}));
  EXPECT_TRUE(reader.AtEnd());
}

}  // namespace
}  // namespace maestro
