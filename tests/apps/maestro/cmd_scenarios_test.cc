// `maestro scenarios` and `maestro analyst` as a user runs them: the real binary in a child process.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audio/wav.h"

namespace {

using ::testing::HasSubstr;

struct Run {
  int exit_code = -1;
  std::string output;
};

std::string Binary() {
  const char* binary = std::getenv("MAESTRO_BINARY");
  return binary ? binary : MAESTRO_TEST_BINARY;
}

Run Maestro(const std::string& arguments) {
  Run run;
  FILE* pipe = popen((Binary() + " " + arguments + " 2>&1").c_str(), "r");
  if (!pipe) return run;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.output.append(buffer, n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(MaestroCliTest, VersionComesFromTheBuild) {
  auto run = Maestro("--version");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("maestro 0.1.0 ("));
  EXPECT_THAT(run.output, HasSubstr("g++ "));
}

TEST(ScenariosCommandTest, ListsTheThreeScenariosInBothLanguages) {
  auto run = Maestro("scenarios list");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("simple (context: instruments)"));
  EXPECT_THAT(run.output, HasSubstr("traditional (context: glossary)"));
  EXPECT_THAT(run.output, HasSubstr("complex (context: prices)"));
  EXPECT_THAT(run.output, HasSubstr("en: What is the ticker symbol of Petrobras?"));
  EXPECT_THAT(run.output, HasSubstr("pt-BR: Quais foram as melhores ações de 2024?"));
}

TEST(ScenariosCommandTest, RendersEveryQuestionToWav) {
  auto out = std::filesystem::path(::testing::TempDir()) / "scenario_wavs";
  std::filesystem::remove_all(out);
  auto run = Maestro("scenarios render --engine emulated --engine-opt seconds=0.5 --out " + out.string());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const char* id : {"simple", "traditional", "complex"}) {
    for (const char* language : {"en", "pt-BR"}) {
      auto path = out / (std::string(id) + "." + language + ".wav");
      ASSERT_TRUE(std::filesystem::exists(path)) << path << "\n" << run.output;
      std::string wav = ReadAll(path);
      EXPECT_EQ(maestro::audio::SniffContainer(wav), "wav");
      EXPECT_EQ(wav.size(), 44u + 11025 * 2);  // 0.5 s at 22.05 kHz, 16-bit mono
    }
  }
  auto english = Maestro("scenarios render --engine emulated --engine-opt seconds=0.1 --language en --out " +
                         (out / "en").string());
  ASSERT_EQ(english.exit_code, 0) << english.output;
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(out / "en"), {}), 3);
}

TEST(ScenariosCommandTest, ReportsBadEnginesOptionsAndFiles) {
  auto out = std::filesystem::path(::testing::TempDir()) / "scenario_bad";
  auto engine = Maestro("scenarios render --engine nonexistent --out " + out.string());
  EXPECT_EQ(engine.exit_code, 1);
  EXPECT_THAT(engine.output, HasSubstr("unknown tts engine 'nonexistent'"));
  auto option = Maestro("scenarios render --engine emulated --engine-opt seconds --out " + out.string());
  EXPECT_EQ(option.exit_code, 2);
  auto file = Maestro("scenarios --file /nonexistent.yaml list");
  EXPECT_EQ(file.exit_code, 1);
  EXPECT_THAT(file.output, HasSubstr("not_found"));
}

TEST(AnalystCommandTest, AnswersWithSourcesAsJson) {
  auto run = Maestro("analyst ask --json \"what is the ticker symbol of petrobras\"");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto answer = nlohmann::json::parse(run.output, nullptr, false);
  ASSERT_FALSE(answer.is_discarded()) << run.output;
  EXPECT_THAT(answer["text"].get<std::string>(), HasSubstr("PETR4"));
  EXPECT_EQ(answer["language"], "en");
  EXPECT_EQ(answer["sources"][0], "instruments.csv#PETR4");
  auto context = Maestro("analyst ask --context \"Qual é a diferença entre renda fixa e o Ibovespa?\"");
  ASSERT_EQ(context.exit_code, 0) << context.output;
  EXPECT_THAT(context.output, HasSubstr("\"language\": \"pt-BR\""));
  EXPECT_THAT(context.output, HasSubstr("glossary.yaml#ibovespa"));
}

TEST(AnalystCommandTest, EnginesListSaysTheAnalystIsNotNeural) {
  auto run = Maestro("engines");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("analyst: embedded, grounded financial analyst; NOT a neural model"));
  EXPECT_THAT(run.output, HasSubstr("openai: OpenAI-compatible HTTP server"));
}

}  // namespace
