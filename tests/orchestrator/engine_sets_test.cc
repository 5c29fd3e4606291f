#include "orchestrator/engine_sets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "tests/support/test_support.h"

namespace maestro {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(EngineSetsTest, NeuralIsTheDefaultAndEverySetNamesItsEngines) {
  EXPECT_STREQ(kDefaultEngineSet, "neural");
  EXPECT_THAT(EngineSetNames(), ElementsAre("neural", "classic", "emulated"));
  EXPECT_EQ(ResolveEngineSet("neural")->Describe(), "stt=whisper, llm=llama, tts=rhvoice");
  EXPECT_EQ(ResolveEngineSet("classic")->Describe(), "stt=pocketsphinx, llm=analyst, tts=espeak");
  EXPECT_EQ(ResolveEngineSet("emulated")->Describe(), "stt=emulated, llm=emulated, tts=emulated");
  EXPECT_EQ(ResolveEngineSet("embedded").status().code(), StatusCode::kInvalidArgument);
}

TEST(EngineSetsTest, AMissingModelStopsBeforeAnythingStartsAndNamesTheFetchCommand) {
  testing::TempDir empty;
  setenv("MAESTRO_MODELS_DIR", empty.path().c_str(), 1);
  const EngineSet neural_set = ResolveEngineSet("neural").value();
  const EngineSet classic_set = ResolveEngineSet("classic").value();
  auto neural = CheckModels(neural_set, {});
  auto chosen = CheckModels(neural_set, {{"stt", {"model=/nonexistent/whisper.bin"}}});
  auto classic = CheckModels(classic_set, {});
  unsetenv("MAESTRO_MODELS_DIR");
  EXPECT_EQ(neural.code(), StatusCode::kNotFound);
  EXPECT_THAT(neural.message(), HasSubstr("maestro models fetch whisper-base"));
  EXPECT_EQ(chosen.code(), StatusCode::kNotFound);
  EXPECT_THAT(chosen.message(), HasSubstr("/nonexistent/whisper.bin"));
  EXPECT_TRUE(classic.ok()) << "the classic engines need no model files";
}

// `maestro up` hands every process the same transport settings, the stream limits included.
TEST(EngineSetsTest, TransportFlagsCarryTheStreamLimits) {
  TransportOptions options;
  options.stream_buffer_bytes = 65536;
  options.thrift_max_streams = 3;
  options.thrift_stream_idle = std::chrono::milliseconds(1500);
  const auto args = TransportFlagsAsArgs(options);
  auto value_of = [&args](const std::string& flag) {
    auto it = std::find(args.begin(), args.end(), flag);
    return it == args.end() || it + 1 == args.end() ? std::string() : *(it + 1);
  };
  EXPECT_EQ(value_of("--stream-buffer-bytes"), "65536");
  EXPECT_EQ(value_of("--thrift-max-streams"), "3");
  EXPECT_EQ(value_of("--thrift-stream-idle"), "1500ms");
}

}  // namespace
}  // namespace maestro
