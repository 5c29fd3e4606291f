// The llama engine with the real default model from the model store (`maestro models fetch` puts it there):
// grounded answers in the question's language, streaming, limits, and damaged model files.
#include "engines/llama/llama_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/text.h"
#include "domain/blocking.h"
#include "engines/common/model_locator.h"
#include "engines/grounding/answer_guard.h"
#include "tests/support/test_support.h"

namespace maestro::llama {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::StartsWith;

LanguageModel& Engine() {
  static auto engine = CreateLanguageModel({});
  EXPECT_TRUE(engine.ok()) << engine.status().ToString() << " — run `build/maestro models fetch --defaults`";
  return **engine;
}

Result<Generation> Ask(const std::string& question) {
  return GenerateBlocking(Engine(), {.prompt = question}, Deadline::In(std::chrono::seconds(300)));
}

std::string GroundingOf(const Generation& generation) {
  for (const auto& source : generation.sources) {
    if (source.rfind("grounding:", 0) == 0 && source.find(":rejected:") == std::string::npos) return source;
  }
  return "";
}

TEST(LlamaEngineTest, AnswersTheTickerQuestionInPortugueseFromTheFacts) {
  auto answer = Ask("Qual é o código do ativo da Petrobras?");
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->language, "pt-BR");
  EXPECT_THAT(answer->text, HasSubstr("PETR4"));
  EXPECT_LE(CountWords(answer->text), 50u);
  EXPECT_THAT(GroundingOf(*answer), StartsWith("grounding:"));
  EXPECT_THAT(answer->sources, Contains("llama:" + std::string(kDefaultModel)));
}

TEST(LlamaEngineTest, AnswersInEnglishWithNoNumberOutsideTheFacts) {
  auto answer = Ask("What were the best performing stocks of 2024?");
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->language, "en");
  EXPECT_LE(CountWords(answer->text), 50u);
  EXPECT_THAT(answer->text, HasSubstr("%"));
}

TEST(LlamaEngineTest, StreamedPiecesMakeTheWholeAnswer) {
  std::string streamed;
  int pieces = 0;
  auto answer = WaitFor<Generation>([&](Callback<Generation> done) {
    Engine().GenerateStreaming(
        {.prompt = "What is the difference between fixed income and the Ibovespa?"},
        Deadline::In(std::chrono::seconds(300)),
        [&](std::string_view piece) {
          streamed += piece;
          ++pieces;
          return true;
        },
        done);
  });
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_GE(pieces, 1);
  EXPECT_EQ(streamed, answer->text);
}

// The context keeps the prefix a prompt shares with the last run (the system prompt, or a whole repeated
// question) instead of reading it again. Answers must not depend on what ran before: the same as a fresh context's.
TEST(LlamaEngineTest, AnswersDoNotDependOnThePromptsReadBefore) {
  auto fresh = CreateLanguageModel({});
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  const std::string first = "What is the ticker symbol of Petrobras?";
  const std::string second = "What is the ticker symbol of Vale?";
  auto second_fresh = GenerateBlocking(**fresh, {.prompt = second}, Deadline::In(std::chrono::seconds(300)));
  ASSERT_TRUE(second_fresh.ok()) << second_fresh.status().ToString();
  auto first_answer = Ask(first);
  auto second_after_first = Ask(second);
  auto second_again = Ask(second);
  ASSERT_TRUE(first_answer.ok() && second_after_first.ok() && second_again.ok());
  EXPECT_EQ(second_after_first->text, second_fresh->text) << "the shared system prompt was reused";
  EXPECT_EQ(second_again->text, second_fresh->text) << "the whole repeated prompt was reused";
}

TEST(LlamaEngineTest, SpentBudgetsAndBadPromptsGetTypedErrors) {
  auto late = GenerateBlocking(Engine(), {.prompt = "Hello?"}, Deadline::In(std::chrono::milliseconds(0)));
  EXPECT_EQ(late.status().code(), StatusCode::kDeadlineExceeded);
  auto cut = GenerateBlocking(Engine(), {.prompt = "Explain the Ibovespa in detail."},
                              Deadline::In(std::chrono::milliseconds(60)));
  EXPECT_EQ(cut.status().code(), StatusCode::kDeadlineExceeded);
  auto empty = GenerateBlocking(Engine(), {.prompt = ""}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  auto large = GenerateBlocking(Engine(), {.prompt = std::string(70000, 'a')}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(large.status().code(), StatusCode::kPayloadTooLarge);
}

TEST(LlamaEngineTest, ATruncatedModelIsATypedErrorNotACrash) {
  auto model = LocateModel("llama", kDefaultModel);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  testing::TempDir dir;
  const auto size = std::filesystem::file_size(*model);
  for (auto keep : {size_t{16}, size_t{100000}, static_cast<size_t>(size / 2)}) {
    const auto truncated = dir.path() / ("truncated-" + std::to_string(keep) + ".gguf");
    std::ifstream in(*model, std::ios::binary);
    std::string bytes(keep, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(keep));
    testing::WriteFile(truncated, bytes);
    auto engine = CreateLanguageModel({{"model", truncated.string()}});
    EXPECT_EQ(engine.status().code(), StatusCode::kInvalidArgument) << keep;
  }
}

TEST(LlamaEngineTest, OptionsAreCheckedAndAMissingModelNamesTheFetchCommand) {
  EXPECT_EQ(CreateLanguageModel({{"temperature", "9"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateLanguageModel({{"colour", "red"}}).status().code(), StatusCode::kInvalidArgument);
  testing::TempDir empty;
  setenv("MAESTRO_MODELS_DIR", empty.path().c_str(), 1);
  auto engine = CreateLanguageModel({});
  unsetenv("MAESTRO_MODELS_DIR");
  EXPECT_EQ(engine.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(engine.status().message(), HasSubstr("maestro models fetch"));
}

}  // namespace
}  // namespace maestro::llama
