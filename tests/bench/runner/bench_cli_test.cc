// A small end-to-end `maestro bench` over every protocol: it must write a valid CSV, summaries and a manifest.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "bench/runner/results_writer.h"
#include "tests/support/test_support.h"
#include "transport/transport.h"

namespace maestro::bench {
namespace {

std::vector<std::vector<std::string>> ReadCsv(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream stream(line);
    std::string cell;
    while (std::getline(stream, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.push_back("");
    rows.push_back(cells);
  }
  return rows;
}

TEST(BenchCliTest, SmallExperimentOverEveryProtocolWritesValidResults) {
  testing::TempDir dir;
  std::string protocols;
  for (const auto& name : TransportNames()) protocols += (protocols.empty() ? "" : ",") + name;
  std::string command = testing::MaestroBinary() + " bench --protocols " + protocols +
                        " --scenarios simple,complex --users 2 --duration " + testing::ScaledDuration(700) +
                        " --warmup " + testing::ScaledDuration(200) +
                        " --runs 2"
                        " --engines emulated --emulated-profile simple=1,1,1 --emulated-profile complex=2,5,2"
                        " --seed 3 --no-report --out " +
                        dir.path().string() + " > " + (dir.path() / "stdout.txt").string() + " 2>&1";
  int status = std::system(command.c_str());
  ASSERT_EQ(WEXITSTATUS(status), 0) << testing::ReadFile(dir.path() / "stdout.txt");

  auto rows = ReadCsv(dir.path() / "all_results.csv");
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], CsvColumns());
  const size_t expected_runs = TransportNames().size() * 2 * 2;
  ASSERT_EQ(rows.size(), 1 + expected_runs);
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), rows[0].size()) << "row " << i;
    EXPECT_GT(std::stod(rows[i][6]), 0) << "throughput of row " << i;
    EXPECT_GT(std::stod(rows[i][3]), 0) << "latency of row " << i;
    EXPECT_GT(std::stod(rows[i][5]), 0) << "memory of row " << i;
    EXPECT_EQ(std::stod(rows[i][12]), 0) << "error rate of row " << i;
    EXPECT_TRUE(
        std::filesystem::exists(dir.path() / "runs" / (rows[i][1] + "-" + rows[i][0] + "-" + rows[i][2] + ".json")));
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "histograms" /
                                        (rows[i][1] + "-" + rows[i][0] + "-" + rows[i][2] + ".json")));
  }
  auto manifest = nlohmann::json::parse(testing::ReadFile(dir.path() / "manifest.json"));
  EXPECT_EQ(manifest["seed"], 3);
  EXPECT_EQ(manifest["runs_completed"], expected_runs);
  EXPECT_EQ(manifest["interrupted"], false);
  EXPECT_EQ(manifest["fairness"]["max_inflight"], 64);
  const auto& balancing = manifest["fairness"]["endpoint_balancing"];
  EXPECT_EQ(balancing["eject_after_consecutive_failures"], 5);
  EXPECT_EQ(balancing["ejection_s"], 30.0);
  EXPECT_EQ(balancing["ejection_after_failed_connect_s"], 1.0);
  EXPECT_EQ(balancing["connect_retries_on_another_endpoint"], 1);
  EXPECT_FALSE(manifest["machine"]["cpu_model"].get<std::string>().empty());
  EXPECT_EQ(manifest["run_order"].size(), expected_runs);
}

// `--tls on,off`: one experiment per level, each CSV row saying its level in the `tls` column, every request
// answered over HTTPS and mutual TLS at the "on" level.
TEST(BenchCliTest, TlsFactorRunsOneExperimentPerLevelAndRecordsIt) {
  testing::TempDir dir;
  std::string command = testing::MaestroBinary() +
                        " bench --protocols rest,grpc,thrift --scenarios simple --users 2 --duration " +
                        testing::ScaledDuration(500) + " --warmup " + testing::ScaledDuration(200) +
                        " --runs 1 --engines emulated --emulated-profile simple=1,1,1 --tls on,off"
                        " --no-report --out " +
                        dir.path().string() + " > " + (dir.path() / "stdout.txt").string() + " 2>&1";
  int status = std::system(command.c_str());
  ASSERT_EQ(WEXITSTATUS(status), 0) << testing::ReadFile(dir.path() / "stdout.txt");
  const auto columns = CsvColumns();
  const size_t tls_column = std::find(columns.begin(), columns.end(), "tls") - columns.begin();
  ASSERT_LT(tls_column, columns.size());
  for (const std::string level : {"on", "off"}) {
    const auto folder = dir.path() / ("tls-" + level);
    auto rows = ReadCsv(folder / "all_results.csv");
    ASSERT_EQ(rows.size(), 1u + 3) << level;
    for (size_t i = 1; i < rows.size(); ++i) {
      EXPECT_EQ(rows[i][tls_column], level) << "row " << i;
      EXPECT_EQ(std::stod(rows[i][12]), 0) << "error rate of row " << i << " at TLS " << level;
      EXPECT_GT(std::stod(rows[i][6]), 0) << "throughput of row " << i << " at TLS " << level;
    }
    auto manifest = nlohmann::json::parse(testing::ReadFile(folder / "manifest.json"));
    EXPECT_EQ(manifest["config"]["tls"].get<std::string>().rfind(level, 0), 0u) << manifest["config"]["tls"];
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "tls-on" / "certs" / "ca.crt"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "tls-off" / "certs"));
}

TEST(BenchCliTest, CtrlCStopsCleanlyAndKeepsFinishedRuns) {
  testing::TempDir dir;
  const std::string out = (dir.path() / "stdout.txt").string();
  pid_t pid = fork();
  if (pid == 0) {
    freopen(out.c_str(), "w", stdout);
    execl(testing::MaestroBinary().c_str(), "maestro", "bench", "--protocols", "rest,inproc", "--scenarios", "simple",
          "--users", "2", "--duration", "600ms", "--warmup", "100ms", "--runs", "20", "--engines", "emulated",
          "--emulated-profile", "simple=1,1,1", "--no-report", "--out", dir.path().c_str(), nullptr);
    _exit(127);
  }
  // Interrupt once two runs have finished.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < until &&
         testing::ReadFile(dir.path() / "all_results.csv").find("simple,", 0) == std::string::npos) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << testing::ReadFile(out);
  EXPECT_EQ(WEXITSTATUS(status), 130) << testing::ReadFile(out);

  auto rows = ReadCsv(dir.path() / "all_results.csv");
  ASSERT_GE(rows.size(), 2u);
  EXPECT_LT(rows.size(), 1u + 40u);
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(rows[i].size(), rows[0].size());
  auto manifest = nlohmann::json::parse(testing::ReadFile(dir.path() / "manifest.json"));
  EXPECT_EQ(manifest["interrupted"], true);
  EXPECT_EQ(manifest["runs_completed"], rows.size() - 1);
  EXPECT_NE(testing::ReadFile(out).find("Interrupted: kept the"), std::string::npos);
  // No service outlives the experiment: every process the runs sampled is gone.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "runs")) {
    auto run = nlohmann::json::parse(testing::ReadFile(entry.path()));
    for (const auto& process : run["resources"]) {
      if (process["name"] == "loadgen") continue;
      EXPECT_NE(kill(process["pid"].get<pid_t>(), 0), 0) << process["name"] << " outlived the bench";
    }
  }
}

TEST(BenchCliTest, BadFlagsFailBeforeStartingAnything) {
  testing::TempDir dir;
  std::string base = testing::MaestroBinary() + " bench --out " + dir.path().string() + " ";
  EXPECT_NE(WEXITSTATUS(std::system((base + "--runs 0 > /dev/null 2>&1").c_str())), 0);
  EXPECT_NE(WEXITSTATUS(std::system((base + "--emulated-profile simple=1 > /dev/null 2>&1").c_str())), 0);
  EXPECT_NE(WEXITSTATUS(std::system((base + "--protocols carrier-pigeon --engines emulated > /dev/null 2>&1").c_str())),
            0);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "all_results.csv"));
}

}  // namespace
}  // namespace maestro::bench
