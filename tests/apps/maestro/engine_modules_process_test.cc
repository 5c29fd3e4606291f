// Engine families built as modules (engines/modules/) are mapped only by the processes that run one of their
// engines: the real binary in child processes, their memory maps read from /proc.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/maestro_process.h"

namespace maestro {
namespace {

using testing::MaestroProcess;
using namespace std::chrono_literals;

std::string MemoryMap(pid_t pid) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return text.str();
}

// What each family brings into a process: its module and the native libraries only it links.
const std::vector<std::string> kGgml = {"maestro-engine-ggml.so", "libllama", "libggml"};
const std::vector<std::string> kPocketsphinx = {"maestro-engine-pocketsphinx.so", "libpocketsphinx", "libsphinxbase",
                                                "blas"};
const std::vector<std::string> kRhvoice = {"maestro-engine-rhvoice.so", "libRHVoice"};
// Only `maestro models` downloads (models/curl_library.cc).
const std::vector<std::string> kCurl = {"libcurl"};

void ExpectMapped(const std::string& map, const std::vector<std::string>& libraries, bool mapped) {
  for (const auto& library : libraries) {
    EXPECT_EQ(map.find(library) != std::string::npos, mapped) << library << (mapped ? " missing" : " mapped");
  }
}

TEST(EngineModulesProcessTest, MaestroOverANetworkProtocolMapsNoEngineFamilyAndNoDownloader) {
  MaestroProcess maestro({"serve", "--protocol", "grpc", "--listen", "127.0.0.1:0", "--stt", "127.0.0.1:1", "--llm",
                          "127.0.0.1:1", "--tts", "127.0.0.1:1"});
  ASSERT_TRUE(maestro.WaitFor("maestro serving POST /assist", 30s)) << maestro.seen;
  const std::string map = MemoryMap(maestro.pid);
  for (const auto* family : {&kGgml, &kPocketsphinx, &kRhvoice, &kCurl}) ExpectMapped(map, *family, false);
}

TEST(EngineModulesProcessTest, AServiceMapsTheFamilyOfItsEngineAndNoOther) {
  MaestroProcess tts({"tts", "--engine", "rhvoice", "--protocol", "rest", "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(tts.WaitFor("serving rest on", 30s)) << tts.seen;
  const std::string map = MemoryMap(tts.pid);
  ExpectMapped(map, kRhvoice, true);
  for (const auto* family : {&kGgml, &kPocketsphinx, &kCurl}) ExpectMapped(map, *family, false);
}

TEST(EngineModulesProcessTest, InProcessMaestroMapsTheFamiliesOfTheEnginesItRuns) {
  MaestroProcess maestro({"serve", "--protocol", "inproc", "--listen", "127.0.0.1:0", "--stt", "pocketsphinx",
                          "--stt-opt", "workers=1", "--llm", "analyst", "--tts", "espeak"});
  ASSERT_TRUE(maestro.WaitFor("maestro serving POST /assist", 60s)) << maestro.seen;
  const std::string map = MemoryMap(maestro.pid);
  ExpectMapped(map, kPocketsphinx, true);
  for (const auto* family : {&kGgml, &kRhvoice, &kCurl}) ExpectMapped(map, *family, false);
}

TEST(EngineModulesProcessTest, AMissingModuleIsAClearErrorNamingWhereItWasLookedFor) {
  MaestroProcess tts({"tts", "--engine", "rhvoice", "--protocol", "rest", "--listen", "127.0.0.1:0"},
                     {"/usr/bin/env", "MAESTRO_ENGINE_DIR=/nonexistent/engines"});
  EXPECT_FALSE(tts.WaitFor("serving rest on", 30s));
  EXPECT_NE(tts.Wait(), 0);
  EXPECT_NE(tts.seen.find("/nonexistent/engines/maestro-engine-rhvoice.so could not be loaded"), std::string::npos)
      << tts.seen;
  EXPECT_NE(tts.seen.find("MAESTRO_ENGINE_DIR"), std::string::npos) << tts.seen;
}

}  // namespace
}  // namespace maestro
