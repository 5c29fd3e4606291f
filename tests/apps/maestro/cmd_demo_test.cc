// `maestro demo` as a user runs it: the whole assistant started, a spoken question asked, the answer saved; with
// --tls over mutual TLS and HTTPS from a throwaway CA that is gone afterwards.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "tests/support/maestro_process.h"
#include "tests/support/test_support.h"

namespace maestro {
namespace {

using namespace std::chrono_literals;

// Runs `maestro demo` with emulated engines over `protocol`. RETURNS its output after checking it succeeded and
// saved the emulated TTS's answer.
std::string RunDemo(const std::string& protocol, bool tls) {
  testing::TempDir dir;
  const auto answer = dir.path() / "answer.wav";
  std::vector<std::string> args = {"demo", "--engines", "emulated", "--protocol", protocol, "-o", answer.string()};
  if (tls) args.push_back("--tls");
  testing::MaestroProcess demo(args);
  EXPECT_TRUE(demo.WaitFor("Spoken answer written to", 60s)) << demo.seen;
  EXPECT_EQ(demo.Wait(), 0) << demo.seen;
  // The emulated TTS speaks 10 s at 22.05 kHz, 16-bit mono, plus the 44-byte header.
  EXPECT_EQ(std::filesystem::exists(answer) ? std::filesystem::file_size(answer) : 0, 44u + 10 * 22050 * 2);
  return demo.seen;
}

TEST(DemoCommandTest, AsksTheAssistantAndSavesTheAnswer) {
  const std::string seen = RunDemo("rest", false);
  EXPECT_NE(seen.find("Asking http://"), std::string::npos) << seen;
}

TEST(DemoCommandTest, TlsRunsOverHttpsWithAThrowawayCaThatIsRemoved) {
  for (const char* protocol : {"grpc", "thrift"}) {
    const std::string seen = RunDemo(protocol, true);
    EXPECT_NE(seen.find("mutual TLS between processes"), std::string::npos) << seen;
    EXPECT_NE(seen.find("Asking https://"), std::string::npos) << seen;
  }
  for (const auto& entry : std::filesystem::directory_iterator("/tmp")) {
    EXPECT_NE(entry.path().filename().string().rfind("maestro-demo-certs-", 0), 0u)
        << entry.path() << " was left behind";
  }
}

}  // namespace
}  // namespace maestro
