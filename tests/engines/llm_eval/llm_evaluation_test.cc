#include "engines/llm_eval/llm_evaluation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engines/engine_registry.h"
#include "tests/support/test_support.h"

namespace maestro::llm_eval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A model that always says the same thing, to see each measure move.
class FixedAnswer final : public LanguageModel {
 public:
  FixedAnswer(std::string text, std::string language) : text_(std::move(text)), language_(std::move(language)) {}
  void Generate(GenerationRequest, Deadline, Callback<Generation> done) override {
    done(Generation{text_, language_, {}});
  }

 private:
  std::string text_;
  std::string language_;
};

std::unique_ptr<analyst::Analyst> Analyst() {
  auto created = analyst::Analyst::Create({});
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  return std::move(created).value();
}

TEST(LlmEvaluationTest, TheShippedQuestionFileHasAtLeastThirtyQuestionsInBothLanguages) {
  auto questions = ReadQuestions(testing::SourceDir() + "/data/eval/llm_questions.tsv");
  ASSERT_TRUE(questions.ok()) << questions.status().ToString();
  EXPECT_GE(questions->size(), 30u);
  size_t portuguese = 0;
  for (const auto& question : *questions) portuguese += question.language == "pt-BR";
  EXPECT_GE(portuguese, 15u);
  EXPECT_GE(questions->size() - portuguese, 15u);
}

TEST(LlmEvaluationTest, TheAnalystCarriesTheFactsOfTheShippedQuestions) {
  auto questions = ReadQuestions(testing::SourceDir() + "/data/eval/llm_questions.tsv");
  ASSERT_TRUE(questions.ok());
  auto analyst = Analyst();
  auto engine = EngineRegistry::Global().CreateLlm("analyst", {});
  ASSERT_TRUE(engine.ok());
  auto evaluation = Evaluate(**engine, *analyst, *questions, 10);
  EXPECT_EQ(evaluation.Errors(), 0u);
  EXPECT_GE(evaluation.FactAccuracy(), 0.9);
  EXPECT_EQ(evaluation.UngroundedNumberRate(), 0.0);
  // The detector reads "A CDB (Certificado de Depósito Bancário) is ..." as Portuguese: one miss in 34.
  EXPECT_GE(evaluation.LanguageMatchRate(), 0.95);
  EXPECT_LE(evaluation.MaxWords(), 50u);
}

TEST(LlmEvaluationTest, MissingFactsInventedNumbersAndTheWrongLanguageAreCounted) {
  auto analyst = Analyst();
  std::vector<Question> questions = {{"pt-BR", "Qual é o código do ativo da Petrobras?", {"PETR4"}}};
  FixedAnswer wrong("The ticker is VALE3 and it rose 77%.", "en");
  auto evaluation = Evaluate(wrong, *analyst, questions, 10);
  ASSERT_EQ(evaluation.answers.size(), 1u);
  EXPECT_THAT(evaluation.answers[0].missing_facts, ElementsAre("PETR4"));
  EXPECT_THAT(evaluation.answers[0].ungrounded, ElementsAre("77", "VALE3"));
  EXPECT_EQ(evaluation.FactAccuracy(), 0.0);
  EXPECT_EQ(evaluation.UngroundedNumberRate(), 1.0);
  EXPECT_EQ(evaluation.LanguageMatchRate(), 0.0);
  EXPECT_EQ(evaluation.MaxWords(), 8u);
}

TEST(LlmEvaluationTest, MalformedQuestionFilesAreRejectedWithTheLine) {
  testing::TempDir dir;
  testing::WriteFile(dir.path() / "q.tsv", "# comment\nen\tWhat?\tX\nfr\tQuoi?\tY\n");
  auto questions = ReadQuestions((dir.path() / "q.tsv").string());
  EXPECT_EQ(questions.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(questions.status().message(), HasSubstr(":3:"));
  EXPECT_EQ(ReadQuestions((dir.path() / "none.tsv").string()).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace maestro::llm_eval
