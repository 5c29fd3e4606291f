#include "orchestrator/engine_sets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace maestro
