// `maestro eval stt` end to end: clips spoken by the espeak engine (and real recordings when installed), a
// manifest, the real binary, and its text and JSON reports. Also where the WER targets are checked.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "domain/blocking.h"
#include "engines/espeak/espeak_engine.h"

namespace maestro {
namespace {

namespace fs = std::filesystem;

struct Run {
  int exit_code = -1;
  std::string out;
};

Run RunMaestro(const std::string& arguments) {
  Run run;
  const std::string command = std::string(MAESTRO_TEST_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.out.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class TempDir {
 public:
  TempDir()
      : path_(fs::temp_directory_path() /
              ("maestro_eval_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++))) {
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

std::vector<std::pair<std::string, std::string>> FinanceQuestions() {
  std::ifstream in(std::string(MAESTRO_TEST_SOURCE_DIR) + "/data/stt/finance_eval.tsv");
  std::vector<std::pair<std::string, std::string>> questions;
  std::string line;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    if (line.empty() || line[0] == '#' || tab == std::string::npos) continue;
    questions.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return questions;
}

// Speaks the `split` questions in each voice and rate into `dir`; RETURNS the manifest path.
std::string SpeakManifest(const fs::path& dir, const std::string& split, const std::vector<std::string>& voices,
                          const std::vector<int>& rates) {
  const fs::path manifest = dir / (split + ".tsv");
  std::ofstream out(manifest);
  int n = 0;
  for (int rate : rates) {
    auto tts = espeak::CreateTextToSpeech({{"rate", std::to_string(rate)}});
    EXPECT_TRUE(tts.ok());
    for (const auto& voice : voices) {
      for (const auto& [question_split, question] : FinanceQuestions()) {
        if (question_split != split) continue;
        auto speech = SynthesizeBlocking(**tts, {.text = question, .voice = voice}, Deadline::Never());
        EXPECT_TRUE(speech.ok()) << speech.status().ToString();
        const std::string name = split + "-" + voice + "-" + std::to_string(rate) + "-" + std::to_string(++n) + ".wav";
        std::ofstream(dir / name, std::ios::binary) << speech->wav;
        out << name << "\t" << question << "\n";
      }
    }
  }
  return manifest.string();
}

nlohmann::json EvalJson(const std::string& manifest, const std::string& extra = "") {
  auto run = RunMaestro("eval stt " + manifest + " --json " + extra);
  EXPECT_EQ(run.exit_code, 0) << run.out;
  auto parsed = nlohmann::json::parse(run.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << run.out;
  return parsed;
}

void Report(const std::string& what, const nlohmann::json& result) {
  std::printf("[ WER ] %-60s %6.2f%%  (%d errors / %d words, RTF %.3f)\n", what.c_str(),
              100.0 * result["wer"].get<double>(), result["errors"].get<int>(), result["words"].get<int>(),
              result["real_time_factor"].get<double>());
}

TEST(EvalSttTest, TextReportHasARowPerClipAndEndsWithWer) {
  TempDir dir;
  auto tts = espeak::CreateTextToSpeech({});
  ASSERT_TRUE(tts.ok());
  auto speech = SynthesizeBlocking(**tts, {.text = "What is the ticker symbol of Petrobras?"}, Deadline::Never());
  ASSERT_TRUE(speech.ok());
  fs::create_directories(dir.path() / "clips");
  std::ofstream(dir.path() / "clips" / "a.wav", std::ios::binary) << speech->wav;
  std::ofstream(dir.path() / "manifest.tsv") << "# comment\nclips/a.wav\tWhat is the ticker symbol of Petrobras?\n"
                                             << "clips/a.wav\tWhat is the ticker symbol of Vale?\n";
  auto run = RunMaestro("eval stt " + (dir.path() / "manifest.tsv").string() +
                        " --engine pocketsphinx --engine-opt workers=1");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("0.00\t0/7\t"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("14.29\t1/7\t"), std::string::npos) << run.out;
  // Two clips of seven words with one error: 1/14.
  EXPECT_TRUE(run.out.ends_with("WER 7.14%\n")) << run.out;

  auto json = EvalJson((dir.path() / "manifest.tsv").string(), "--engine-opt workers=1");
  EXPECT_DOUBLE_EQ(json["wer"].get<double>(), 1.0 / 14);
  ASSERT_EQ(json["items"].size(), 2u);
  EXPECT_EQ(json["items"][0]["normalized_hypothesis"], "what is the ticker symbol of petrobras");
}

TEST(EvalSttTest, BadInputsFailClearly) {
  TempDir dir;
  auto missing = RunMaestro("eval stt " + (dir.path() / "none.tsv").string());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("cannot read manifest"), std::string::npos) << missing.out;
  std::ofstream(dir.path() / "bad.tsv") << "no tab on this line\n";
  auto bad = RunMaestro("eval stt " + (dir.path() / "bad.tsv").string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("bad.tsv:1"), std::string::npos) << bad.out;
  std::ofstream(dir.path() / "m.tsv") << "absent.wav\tsome words here\n";
  auto unknown = RunMaestro("eval stt " + (dir.path() / "m.tsv").string() + " --engine nope");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.out.find("unknown stt engine"), std::string::npos) << unknown.out;
  // A clip that cannot be read counts all its words as errors, and the run still completes.
  auto absent = EvalJson((dir.path() / "m.tsv").string(), "--engine-opt workers=1 --engine-opt model=domain");
  EXPECT_DOUBLE_EQ(absent["wer"].get<double>(), 1.0);
  EXPECT_TRUE(absent["items"][0].contains("error"));
}

// The target: WER <= 5% on the finance questions spoken by eSpeak NG in two voices at two rates.
TEST(EvalSttTest, FinanceQuestionsMeetTheWerTarget) {
  TempDir dir;
  const std::vector<std::string> voices = {"en-us", "en-us+f2"};
  const std::vector<int> rates = {150, 190};
  const auto seen = SpeakManifest(dir.path(), "seen", voices, rates);
  const auto held_out = SpeakManifest(dir.path(), "heldout", voices, rates);
  auto seen_result = EvalJson(seen);
  auto held_out_result = EvalJson(held_out);
  Report("finance, in training text (en-us, en-us+f2 x 150, 190 wpm)", seen_result);
  Report("finance, held out of training (en-us, en-us+f2 x 150, 190 wpm)", held_out_result);
  EXPECT_EQ(seen_result["items"].size(), 80u);
  EXPECT_LE(seen_result["wer"].get<double>(), 0.05);
  // Held-out questions use phrasings the LM never saw; they are reported, and must stay far from the general model.
  EXPECT_LE(held_out_result["wer"].get<double>(), 0.25);
}

// Real recordings outside the finance domain: the auto fallback keeps them near the general model's accuracy.
TEST(EvalSttTest, PocketsphinxTestdataWerIsReported) {
  const fs::path data = "/usr/share/pocketsphinx/test/data";
  if (!fs::exists(data / "librivox"))
    GTEST_FAIL() << "pocketsphinx-testdata is not installed (scripts/bootstrap.sh installs it)";
  TempDir dir;
  std::ofstream manifest(dir.path() / "testdata.tsv");
  for (const char* set : {"librivox/transcription", "cards/cards.transcription"}) {
    std::ifstream in(data / set);
    std::string line;
    while (std::getline(in, line)) {
      // "<s> words </s> (id)"
      const auto open = line.rfind('(');
      const auto words_end = line.find("</s>");
      if (open == std::string::npos || words_end == std::string::npos) continue;
      const std::string id = line.substr(open + 1, line.rfind(')') - open - 1);
      manifest << (data / fs::path(set).parent_path() / (id + ".wav")).string() << "\t" << line.substr(4, words_end - 4)
               << "\n";
    }
  }
  manifest.close();
  auto automatic = EvalJson((dir.path() / "testdata.tsv").string());
  auto domain = EvalJson((dir.path() / "testdata.tsv").string(), "--engine-opt model=domain");
  Report("pocketsphinx-testdata librivox+cards, model=auto", automatic);
  Report("pocketsphinx-testdata librivox+cards, model=domain", domain);
  EXPECT_EQ(automatic["items"].size(), 10u);
  EXPECT_LT(automatic["wer"].get<double>(), 0.5);
  EXPECT_GT(domain["wer"].get<double>(), automatic["wer"].get<double>());
}

TEST(EvalSttTest, SpeechWerIsReportedOnSharedData) {
  const char* env = std::getenv("MAESTRO_SHARED_DATA");
  const fs::path speech = fs::path(env ? env : std::string(MAESTRO_TEST_SOURCE_DIR) + "/../shared/data") / "speech";
  if (!fs::exists(speech)) GTEST_FAIL() << speech << " is absent";
  TempDir dir;
  std::ofstream manifest(dir.path() / "shared.tsv");
  int clips = 0;
  for (const auto& [set, text_column] : {std::pair{"ljspeech", 1}, std::pair{"asterisk_en_allison", 5}}) {
    std::ifstream in(speech / set / "transcripts.tsv");
    std::string line;
    while (std::getline(in, line)) {
      std::vector<std::string> fields;
      std::stringstream split(line);
      std::string field;
      while (std::getline(split, field, '\t')) fields.push_back(field);
      if (fields.size() <= static_cast<size_t>(text_column) || fields[0] == "file") continue;
      manifest << (speech / set / fields[0]).string() << "\t" << fields[static_cast<size_t>(text_column)] << "\n";
      ++clips;
    }
  }
  manifest.close();
  if (clips == 0) GTEST_FAIL() << "no transcripts in " << speech;
  auto automatic = EvalJson((dir.path() / "shared.tsv").string());
  Report("shared/data/speech (ljspeech + asterisk), model=auto", automatic);
  EXPECT_EQ(automatic["items"].size(), static_cast<size_t>(clips));
  for (const auto& item : automatic["items"]) EXPECT_FALSE(item.contains("error")) << item.dump();
  EXPECT_LT(automatic["wer"].get<double>(), 0.6);
}

}  // namespace
}  // namespace maestro
