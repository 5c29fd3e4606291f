#include "bench/runner/results_writer.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace maestro::bench {
namespace {

TEST(ResultsWriterTest, ThesisColumnsComeFirst) {
  auto columns = CsvColumns();
  std::vector<std::string> thesis = {"scenario",        "protocol",        "run", "latency_ms", "cpu_usage_percent",
                                     "memory_usage_mb", "throughput_req_s"};
  ASSERT_GE(columns.size(), thesis.size());
  EXPECT_EQ(std::vector<std::string>(columns.begin(), columns.begin() + 7), thesis);
  for (const char* extra : {"p50_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms", "error_rate", "cpu_usage_percent@stt",
                            "memory_usage_mb@tts", "memory_peak_mb@maestro", "bytes_sent_per_request"}) {
    EXPECT_NE(std::find(columns.begin(), columns.end(), extra), columns.end()) << extra;
  }
}

TEST(ResultsWriterTest, RowSumsTheServicesAndLeavesTheGeneratorOut) {
  RunRecord record;
  record.run = {"rest-simple-1", "rest", "simple", "simple", 0, 1};
  for (int i = 0; i < 100; ++i) record.load.latency.Record(10'000'000 + i * 100'000);  // 10.0 .. 19.9 ms
  record.load.requests = 100;
  record.load.succeeded = 100;
  record.load.completed_in_window = 100;
  record.load.window_s = 10;
  auto process = [](const char* name, double cpu, uint64_t rss_mb) {
    ProcessResources p;
    p.name = name;
    p.cpu_percent_mean = cpu;
    p.rss_mean_bytes = rss_mb << 20;
    p.rss_peak_bytes = (rss_mb + 1) << 20;
    return p;
  };
  record.resources = {process("maestro", 10, 20), process("stt", 20, 30), process("llm", 5, 10), process("tts", 5, 10),
                      process("loadgen", 50, 100)};
  auto row = CsvRow(record);
  ASSERT_EQ(row.size(), CsvColumns().size());
  EXPECT_EQ(row[0], "simple");
  EXPECT_EQ(row[1], "rest");
  EXPECT_NEAR(std::stod(row[3]), 14.95, 0.1);  // mean latency
  EXPECT_EQ(row[4], "40.000");                 // CPU: services only
  EXPECT_EQ(row[5], "70.000");                 // RSS MB: services only
  EXPECT_EQ(row[6], "10.000");                 // throughput
}

// No request finished inside the window (a neural answer longer than the window): the latency cells are missing,
// not 0 ms, so the analysis leaves the run out instead of reading it as the fastest one (or failing on ln(0)).
TEST(ResultsWriterTest, ARunWithoutASuccessfulRequestHasNoLatency) {
  RunRecord record;
  record.run = {"grpc-simple-3", "grpc", "simple", "simple", 0, 3};
  record.load.window_s = 8;
  auto row = CsvRow(record);
  const auto columns = CsvColumns();
  ASSERT_EQ(row.size(), columns.size());
  for (const char* name :
       {"latency_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms", "ttfa_p50_ms", "ttfa_p90_ms", "ttfa_p99_ms"}) {
    const auto at = std::find(columns.begin(), columns.end(), name) - columns.begin();
    EXPECT_EQ(row[at], "") << name;
  }
  EXPECT_EQ(row[6], "0.000");  // no request is a throughput of 0, which is a measurement
}

}  // namespace
}  // namespace maestro::bench
