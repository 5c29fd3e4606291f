#include "engines/grounding/answer_guard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace maestro::grounding {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

bool KnownUsTicker(std::string_view word) {
  return word == "AAPL" || word == "MSFT";
}

AnswerGuard Guard() {
  return AnswerGuard({"Best stock returns in 2024: MSFT +13.65%, AAPL +34.90%.", "O código da Petrobras é PETR4.",
                      "Qual foi o retorno em 2024?"},
                     KnownUsTicker);
}

TEST(AnswerGuardTest, NumbersAndTickersFromTheFactsPass) {
  EXPECT_THAT(Guard().Unsupported("In 2024 AAPL rose 34.90% and MSFT 13.65%."), IsEmpty());
  EXPECT_THAT(Guard().Unsupported("A Petrobras negocia como PETR4."), IsEmpty());
}

TEST(AnswerGuardTest, PortugueseDecimalCommaIsTheSameNumber) {
  EXPECT_THAT(Guard().Unsupported("A Apple subiu 34,90% em 2024."), IsEmpty());
}

TEST(AnswerGuardTest, InventedNumbersAreReported) {
  EXPECT_THAT(Guard().Unsupported("AAPL rose 35% and MSFT 13.6%."), ElementsAre("35", "13.6"));
  EXPECT_THAT(Guard().Unsupported("It will reach 1,000 by 2025."), ElementsAre("1,000", "2025"));
}

TEST(AnswerGuardTest, InventedTickersAreReported) {
  EXPECT_THAT(Guard().Unsupported("Buy VALE3 instead."), ElementsAre("VALE3"));
  EXPECT_THAT(Guard().Unsupported("PETR3 is the common share."), ElementsAre("PETR3"));
}

TEST(AnswerGuardTest, UpperCaseWordsThatAreNotTickersPass) {
  EXPECT_THAT(Guard().Unsupported("The CDI and the IPCA are rates, not stocks."), IsEmpty());
}

TEST(AnswerGuardTest, SentencePeriodIsNotPartOfANumber) {
  EXPECT_THAT(Guard().Unsupported("The year was 2024."), IsEmpty());
}

TEST(AnswerGuardTest, LettersGluedToDigitsAreNotNumbers) {
  EXPECT_THAT(AnswerGuard({}, nullptr).Unsupported("The B3 exchange."), IsEmpty());
}

}  // namespace
}  // namespace maestro::grounding
