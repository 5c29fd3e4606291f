#include "engines/stt_eval/word_error_rate.h"

#include <gtest/gtest.h>

#include "engines/stt_eval/text_normalizer.h"

namespace maestro::stt_eval {
namespace {

WordErrors Align(const char* reference, const char* hypothesis) {
  return AlignWords(NormalizeWords(reference), NormalizeWords(hypothesis));
}

TEST(WordErrorRateTest, CountsEachKindOfEdit) {
  auto same = Align("what were the best stocks of 2024", "What were the best stocks of twenty twenty four?");
  EXPECT_EQ(same.errors(), 0u);
  EXPECT_EQ(same.reference_words, 7u);

  auto substitution = Align("what is the ticker symbol of petrobras", "what is the ticker symbol or petrobras");
  EXPECT_EQ(substitution.substitutions, 1u);
  EXPECT_EQ(substitution.errors(), 1u);

  auto deletion = Align("what is my account balance", "what is account balance");
  EXPECT_EQ(deletion.deletions, 1u);
  EXPECT_EQ(deletion.errors(), 1u);

  auto insertion = Align("compare vale and petrobras", "compare the vale and petrobras");
  EXPECT_EQ(insertion.insertions, 1u);
  EXPECT_DOUBLE_EQ(insertion.rate(), 0.25);
}

TEST(WordErrorRateTest, MinimumEditsNotGreedy) {
  // A greedy left-to-right match would count 4 errors here; the alignment finds 2.
  auto errors = AlignWords({"a", "b", "c", "d"}, {"x", "a", "b", "c"});
  EXPECT_EQ(errors.errors(), 2u);
  EXPECT_EQ(errors.insertions, 1u);
  EXPECT_EQ(errors.deletions, 1u);
}

TEST(WordErrorRateTest, EmptySides) {
  EXPECT_EQ(AlignWords({}, {}).rate(), 0);
  EXPECT_EQ(AlignWords({"a", "b"}, {}).deletions, 2u);
  EXPECT_DOUBLE_EQ(AlignWords({"a", "b"}, {}).rate(), 1.0);
  EXPECT_EQ(AlignWords({}, {"a"}).insertions, 1u);
}

TEST(WordErrorRateTest, TotalsAddUp) {
  WordErrors total;
  total += Align("a b c d", "a b c x");
  total += Align("e f g h i j", "e f g h i j");
  EXPECT_EQ(total.reference_words, 10u);
  EXPECT_DOUBLE_EQ(total.rate(), 0.1);
}

}  // namespace
}  // namespace maestro::stt_eval
