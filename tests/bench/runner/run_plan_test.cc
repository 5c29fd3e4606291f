#include "bench/runner/run_plan.h"

#include <gtest/gtest.h>

#include <set>

namespace maestro::bench {
namespace {

std::vector<std::string> Order(const BenchConfig& config) {
  std::vector<std::string> ids;
  for (const auto& block : MakeRunPlan(config)) {
    for (const auto& run : block.runs) ids.push_back(run.id);
  }
  return ids;
}

TEST(RunPlanTest, SameSeedSameOrderOtherSeedOtherOrder) {
  BenchConfig config;
  config.protocols = {"rest", "grpc", "thrift", "inproc"};
  config.runs = 3;
  config.seed = 7;
  auto first = Order(config);
  EXPECT_EQ(first, Order(config));
  config.seed = 8;
  EXPECT_NE(first, Order(config));
  // Every protocol x scenario x run appears exactly once.
  EXPECT_EQ(first.size(), 4u * 3u * 3u);
  EXPECT_EQ(std::set<std::string>(first.begin(), first.end()).size(), first.size());
}

TEST(RunPlanTest, BlocksKeepOneProtocolAndScenarioEach) {
  BenchConfig config;
  config.runs = 4;
  for (const auto& block : MakeRunPlan(config)) {
    ASSERT_EQ(block.runs.size(), 4u);
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(block.runs[i].protocol, block.protocol);
      EXPECT_EQ(block.runs[i].scenario, block.scenario);
      EXPECT_EQ(block.runs[i].run, i + 1);
    }
  }
}

TEST(RunPlanTest, OpenLoopSweepMakesARateLevelPerScenario) {
  BenchConfig config;
  ASSERT_TRUE(ApplyPreset("overhead", config).ok());
  auto levels = ScenarioLevels(config);
  EXPECT_EQ(levels, (std::vector<std::string>{"zero@100rps", "zero@200rps", "zero@400rps", "zero@800rps"}));
  auto plan = MakeRunPlan(config);
  EXPECT_EQ(plan.size(), 4u * 4u);
  EXPECT_GT(plan.front().runs.front().rate, 0);
}

TEST(BenchConfigTest, PresetsAndValidation) {
  BenchConfig config;
  ASSERT_TRUE(ApplyPreset("thesis", config).ok());
  EXPECT_EQ(config.users, 1000);
  EXPECT_EQ(config.runs, 15);
  EXPECT_EQ(config.duration, std::chrono::minutes(5));
  EXPECT_EQ(config.protocols.size() * config.scenarios.size(), 9u);
  EXPECT_FALSE(ApplyPreset("nonsense", config).ok());

  ASSERT_TRUE(ApplyPreset("quick", config).ok());
  EXPECT_TRUE(ValidateBenchConfig(config).ok());
  // The quick preset (the main job, on the neural engines) must fit in ten minutes with the model fetch: runs x
  // (warm-up + window), plus ~1.5 s start-up per block, in eight.
  auto blocks = config.protocols.size() * config.scenarios.size();
  double seconds =
      static_cast<double>(blocks) * (config.runs * (config.duration + config.warmup).count() / 1000.0 + 1.5);
  EXPECT_LE(seconds, 480);

  config.runs = 0;
  EXPECT_FALSE(ValidateBenchConfig(config).ok());
  config.runs = 1;
  config.engines = "magic";
  EXPECT_FALSE(ValidateBenchConfig(config).ok());

  EXPECT_TRUE(ParseEmulatedProfile("simple=1,2,3", config).ok());
  EXPECT_EQ(config.emulated_profiles["simple"].llm_ms, 2);
  EXPECT_FALSE(ParseEmulatedProfile("simple=1,2", config).ok());
  EXPECT_TRUE(ParseEmulatedProfile("streamed=1,2,3,4", config).ok());
  EXPECT_EQ(config.emulated_profiles["streamed"].piece_ms, 4);
  EXPECT_EQ(config.emulated_profiles["simple"].piece_ms, 0);
  EXPECT_FALSE(ParseEmulatedProfile("simple=1,2,3,4,5", config).ok());
  EXPECT_FALSE(ParseEmulatedProfile("simple=a,b,c", config).ok());
}

}  // namespace
}  // namespace maestro::bench
