#include "bench/load/load_summary.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace maestro::bench {
namespace {

LoadSummary Example() {
  LoadSummary s;
  s.mode = LoadMode::kOpen;
  s.url = "http://127.0.0.1:1/assist";
  s.target_rate = 100;
  s.window_s = 2.0;
  s.requests = 200;
  s.succeeded = 190;
  s.completed_in_window = 180;
  s.errors.timeout = 4;
  s.errors.http_status[500] = 5;
  s.errors.http_status[503] = 1;
  s.scheduled = 210;
  s.dropped = 10;
  for (int i = 1; i <= 190; ++i) s.latency.Record(int64_t{i} * 1'000'000);  // 1..190 ms
  return s;
}

TEST(LoadSummaryTest, JsonCarriesCountsRatesAndPercentiles) {
  const LoadSummary s = Example();
  const auto json = SummaryToJson(s, false);
  EXPECT_EQ(json["mode"], "open");
  EXPECT_EQ(json["requests"], 200);
  EXPECT_DOUBLE_EQ(json["throughput_rps"].get<double>(), 90.0);
  EXPECT_DOUBLE_EQ(json["error_rate"].get<double>(), 10.0 / 200.0);
  EXPECT_EQ(json["errors"]["total"], 10);
  EXPECT_EQ(json["errors"]["http_status"], 6);
  EXPECT_EQ(json["errors"]["http_status_by_code"]["500"], 5);
  EXPECT_EQ(json["open_loop"]["dropped"], 10);
  EXPECT_NEAR(json["latency_ms"]["p50"].get<double>(), 95.0, 0.5);
  EXPECT_NEAR(json["latency_ms"]["p99"].get<double>(), 189.0, 1.0);
  EXPECT_DOUBLE_EQ(json["latency_ms"]["max"].get<double>(), 190.0);
  EXPECT_FALSE(json.contains("histogram"));
  EXPECT_EQ(SummaryToJson(s, true)["histogram"]["count"], 190);
}

TEST(LoadSummaryTest, TableWarnsOnlyWhenTheGeneratorIsTheBottleneck) {
  LoadSummary s = Example();
  EXPECT_EQ(FormatSummaryTable(s).find("WARNING"), std::string::npos);
  EXPECT_NE(FormatSummaryTable(s).find("HTTP 503: 1"), std::string::npos);
  s.max_thread_cpu_percent = 97;
  s.generator_bottleneck = true;
  EXPECT_NE(FormatSummaryTable(s).find("WARNING"), std::string::npos);
}

TEST(LoadSummaryTest, EmptyWindowHasZeroRates) {
  LoadSummary s;
  EXPECT_EQ(s.throughput_rps(), 0);
  EXPECT_EQ(s.error_rate(), 0);
  EXPECT_EQ(SummaryToJson(s, false)["latency_ms"]["p99"], 0.0);
}

}  // namespace
}  // namespace maestro::bench
