#include "engines/analyst/bm25.h"

#include <gtest/gtest.h>

#include <cmath>

namespace maestro::analyst {
namespace {

TEST(Bm25Test, ScoresMatchTheFormulaByHand) {
  Bm25Index index(1.2, 0.75);
  index.Add({"fixed", "income", "bond"});     // 0, length 3
  index.Add({"stock", "index", "ibovespa"});  // 1, length 3
  index.Add({"fixed", "fixed"});              // 2, length 2
  // N = 3, avgdl = 8/3. "fixed": df 2, idf = ln(1 + 1.5/2.5) = ln 1.6.
  // doc 2: tf 2, norm = 1.2 * (0.25 + 0.75 * 2 / (8/3)) = 0.975; score = ln1.6 * 2 * 2.2 / 2.975.
  // doc 0: tf 1, norm = 1.2 * (0.25 + 0.75 * 3 / (8/3)) = 1.3125; score = ln1.6 * 2.2 / 2.3125.
  auto hits = index.Search({"fixed"}, 10);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].document, 2u);
  EXPECT_NEAR(hits[0].score, std::log(1.6) * 4.4 / 2.975, 1e-12);
  EXPECT_EQ(hits[1].document, 0u);
  EXPECT_NEAR(hits[1].score, std::log(1.6) * 2.2 / 2.3125, 1e-12);
}

TEST(Bm25Test, RareTermsWinAndRepeatsCountOnce) {
  Bm25Index index;
  index.Add({"income", "fixed"});
  index.Add({"income", "ibovespa"});
  index.Add({"income", "stock"});
  auto once = index.Search({"income", "ibovespa"}, 10);
  auto twice = index.Search({"income", "ibovespa", "ibovespa"}, 10);
  ASSERT_EQ(once.size(), 3u);
  EXPECT_EQ(once[0].document, 1u);
  EXPECT_DOUBLE_EQ(once[0].score, twice[0].score);
  EXPECT_EQ(index.Search({"income"}, 1).size(), 1u);
  EXPECT_TRUE(index.Search({"weather"}, 10).empty());
  EXPECT_TRUE(Bm25Index().Search({"x"}, 10).empty());
}

}  // namespace
}  // namespace maestro::analyst
