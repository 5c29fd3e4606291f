// `maestro load` as a user runs it: the real binary against FixtureHttpServer on loopback.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/load/fixture_http_server.h"
#include "bench/load/latency_histogram.h"
#include "tests/support/test_support.h"

namespace maestro::bench {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string out;
};

Outcome RunMaestro(const std::string& args) {
  const std::string binary = testing::MaestroBinary();
  Outcome outcome;
  FILE* pipe = popen((binary + " " + args + " 2>/dev/null").c_str(), "r");
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) outcome.out.append(buffer, n);
  const int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

TEST(LoadCliTest, PrintsJsonSummaryAndWritesTheHistogram) {
  FixtureServerOptions options;
  options.service_time = std::chrono::milliseconds(1);
  auto server = StartFixtureHttpServer(options);
  ASSERT_TRUE(server.ok());
  const auto out_file = std::filesystem::temp_directory_path() / ("maestro_load_cli_" + std::to_string(getpid()));
  const std::string url = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/assist";
  auto outcome =
      RunMaestro("load " + url + " --users 2 --duration 500ms --warmup 100ms --json --out " + out_file.string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.out;
  const auto json = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(json["mode"], "closed");
  EXPECT_GT(json["succeeded"].get<uint64_t>(), 50u);
  EXPECT_EQ(json["errors"]["total"], 0);
  EXPECT_GT(json["latency_ms"]["p50"].get<double>(), 0.9);
  EXPECT_FALSE(json.contains("histogram"));
  ASSERT_EQ(json["resources"].size(), 1u);
  EXPECT_EQ(json["resources"][0]["name"], "generator");
  EXPECT_GT(json["resources"][0]["rss_peak_mb"].get<double>(), 1.0);
  // The generator's own TCP payload over the window: at least the requests it counted, in both directions.
  EXPECT_GE(json["resources"][0]["tcp_bytes_sent"].get<uint64_t>(), json["succeeded"].get<uint64_t>() * 60);

  std::ifstream file(out_file);
  const auto saved = nlohmann::json::parse(file);
  auto histogram = LatencyHistogram::FromJson(saved["histogram"]);
  ASSERT_TRUE(histogram.ok()) << histogram.status().ToString();
  EXPECT_EQ(histogram->count(), saved["succeeded"].get<uint64_t>());
  std::filesystem::remove(out_file);
}

TEST(LoadCliTest, OpenLoopTableOutput) {
  auto server = StartFixtureHttpServer({});
  ASSERT_TRUE(server.ok());
  const std::string url = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/";
  auto outcome = RunMaestro("load " + url + " --rate 200 --duration 500ms --warmup 0s --method GET");
  ASSERT_EQ(outcome.exit_code, 0);
  EXPECT_NE(outcome.out.find("open loop, 200.0 req/s"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("scheduled=100 "), std::string::npos) << outcome.out;
}

TEST(LoadCliTest, BadArgumentsFailWithoutSending) {
  EXPECT_EQ(RunMaestro("load http://127.0.0.1:1/ --duration 10x").exit_code, 2);
  EXPECT_EQ(RunMaestro("load https://127.0.0.1:1/ --tls-ca /nonexistent/ca.crt").exit_code, 2);
  EXPECT_EQ(RunMaestro("load http://127.0.0.1:1/ --tls-ca /nonexistent/ca.crt").exit_code, 2);
  EXPECT_EQ(RunMaestro("load ftp://127.0.0.1:1/").exit_code, 2);
  EXPECT_EQ(RunMaestro("load http://127.0.0.1:1/ --header NoColon").exit_code, 2);
  EXPECT_EQ(RunMaestro("load http://127.0.0.1:1/ --body /nonexistent/file").exit_code, 2);
  EXPECT_EQ(RunMaestro("load http://127.0.0.1:1/ --watch stt:notapid").exit_code, 2);
  EXPECT_NE(RunMaestro("load http://127.0.0.1:1/ --users 2 --rate 5").exit_code, 0);
}

}  // namespace
}  // namespace maestro::bench
