// The module loader with the real modules the build makes: loading on first use only, clear errors for a missing
// module, a library that is not a module and an engine a module lacks, and one load under concurrent first calls.
#include "engines/modules/engine_module.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "engines/builtin_engines.h"

namespace maestro {
namespace {

bool Mapped(const std::string& library) {
  std::ifstream maps("/proc/self/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return text.str().find(library) != std::string::npos;
}

// Points MAESTRO_ENGINE_DIR elsewhere for one test.
class ScopedEngineDir {
 public:
  explicit ScopedEngineDir(const std::string& dir) { setenv("MAESTRO_ENGINE_DIR", dir.c_str(), 1); }
  ~ScopedEngineDir() { unsetenv("MAESTRO_ENGINE_DIR"); }
};

TEST(EngineModuleTest, RegisteringTheBuiltinsLoadsNoModuleAndTheFirstEngineLoadsOnlyItsOwn) {
  EngineRegistry registry;
  RegisterBuiltinEngines(registry);
  EXPECT_TRUE(registry.Has(ServiceKind::kTts, "rhvoice"));
  EXPECT_TRUE(registry.Has(ServiceKind::kStt, "whisper"));
  EXPECT_TRUE(registry.Has(ServiceKind::kLlm, "llama"));
  EXPECT_TRUE(registry.Has(ServiceKind::kStt, "pocketsphinx"));
  EXPECT_FALSE(registry.Describe(ServiceKind::kTts).empty());
  EXPECT_FALSE(Mapped("maestro-engine-rhvoice.so"));
  EXPECT_FALSE(Mapped("libRHVoice"));

  auto tts = registry.CreateTts("rhvoice", {});
  ASSERT_TRUE(tts.ok()) << tts.status().message();
  EXPECT_TRUE(Mapped("maestro-engine-rhvoice.so"));
  EXPECT_TRUE(Mapped("libRHVoice"));
  EXPECT_FALSE(Mapped("maestro-engine-ggml.so"));
  EXPECT_FALSE(Mapped("maestro-engine-pocketsphinx.so"));
}

TEST(EngineModuleTest, AModuleEngineRefusesBadOptionsAsTheEngineDoes) {
  EngineRegistry registry;
  RegisterBuiltinEngines(registry);
  auto tts = registry.CreateTts("rhvoice", {{"rate", "9"}});
  ASSERT_FALSE(tts.ok());
  EXPECT_EQ(tts.status().code(), StatusCode::kInvalidArgument) << tts.status().message();
}

TEST(EngineModuleTest, AMissingModuleIsUnavailableNamingThePathAndTheVariable) {
  ScopedEngineDir dir("/nonexistent/engines");
  EngineModule module("maestro-engine-rhvoice.so");
  auto loaded = module.Load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(loaded.status().message().find("/nonexistent/engines/maestro-engine-rhvoice.so"), std::string::npos)
      << loaded.status().message();
  EXPECT_NE(loaded.status().message().find("MAESTRO_ENGINE_DIR"), std::string::npos);
  // The outcome is kept: a later call does not retry into a different answer.
  EXPECT_EQ(module.Load().status().code(), StatusCode::kUnavailable);
}

TEST(EngineModuleTest, ALibraryWithoutTheEntryPointIsNotAModule) {
  ScopedEngineDir dir("/lib/x86_64-linux-gnu");
  EngineModule module("libm.so.6");
  auto loaded = module.Load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(loaded.status().message().find("has no maestro_engine_module_register"), std::string::npos)
      << loaded.status().message();
}

TEST(EngineModuleTest, AnEngineTheModuleDoesNotProvideIsAnInternalError) {
  EngineRegistry registry;
  auto module = std::make_shared<EngineModule>("maestro-engine-rhvoice.so");
  RegisterModuleEngine(registry, module, ServiceKind::kStt, "rhvoice", "mislabelled");
  auto stt = registry.CreateStt("rhvoice", {});
  ASSERT_FALSE(stt.ok());
  EXPECT_EQ(stt.status().code(), StatusCode::kInternal);
  EXPECT_NE(stt.status().message().find("does not provide the stt engine 'rhvoice'"), std::string::npos)
      << stt.status().message();
}

TEST(EngineModuleTest, ConcurrentFirstCallsLoadOnceAndSeeOneRegistry) {
  EngineModule module("maestro-engine-rhvoice.so");
  std::vector<const EngineRegistry*> seen(4, nullptr);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      auto loaded = module.Load();
      if (loaded.ok()) seen[i] = *loaded;
    });
  }
  for (auto& thread : threads) thread.join();
  for (const EngineRegistry* registry : seen) {
    ASSERT_NE(registry, nullptr);
    EXPECT_EQ(registry, seen[0]);
  }
  EXPECT_TRUE(seen[0]->Has(ServiceKind::kTts, "rhvoice"));
}

}  // namespace
}  // namespace maestro
