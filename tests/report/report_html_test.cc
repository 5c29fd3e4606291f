// Renders `maestro analyze --format html` in headless Chromium (Debian's chromium) and checks that every chart
// drew an SVG with marks and that the console stayed silent.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "tests/stats/dataset.h"
#include "tests/support/test_support.h"

namespace maestro::report {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int RunShell(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ThesisCsv() {
  const double base[3][3] = {{820, 610, 655}, {1460, 1390, 1420}, {2900, 2150, 2300}};
  return stats::testing::MakeCsv(
      {"S1_chat", "S2_quotes", "S3_burst"}, {"rest", "grpc", "thrift"},
      {"latency_ms", "cpu_usage_percent", "memory_usage_mb", "throughput_req_s", "cpu_usage_percent@stt",
       "cpu_usage_percent@llm", "memory_usage_mb@stt", "memory_usage_mb@llm"},
      [](int, int) { return 15; },
      [&](int s, int p, int, stats::testing::Random& r) {
        const double latency = base[s][p] * std::exp(0.15 * r.Normal());
        return std::vector<double>{latency,         35 + 3 * r.Normal(), 410 + 8 * r.Normal(), 8000 / latency,
                                   12 + r.Normal(), 20 + 2 * r.Normal(), 120 + 4 * r.Normal(), 260 + 5 * r.Normal()};
      },
      99);
}

class HtmlReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = testing::MaestroBinary();
    ASSERT_TRUE(fs::exists(binary_)) << binary_ << " is not built";
    // scripts/bootstrap.sh installs Debian's chromium; without it this test must fail, not pass silently.
    ASSERT_TRUE(fs::exists("/usr/bin/chromium")) << "Debian's chromium is not installed (scripts/bootstrap.sh)";
    dir_ = fs::temp_directory_path() / ("maestro_html_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }

  // Loads `html` in a fresh headless Chromium profile. RETURNS the DOM after scripts ran; console lines go to
  // `console`.
  std::string RenderInChromium(const fs::path& html, std::string& console) {
    const fs::path profile = dir_ / "profile";
    const std::string command =
        "timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
        "--disable-component-update --disable-sync --no-first-run --user-data-dir=" +
        profile.string() + " --enable-logging=stderr --v=0 --virtual-time-budget=20000 --dump-dom file://" +
        html.string() + " > " + (dir_ / "dom.html").string() + " 2> " + (dir_ / "chromium.log").string();
    EXPECT_EQ(RunShell(command), 0) << ReadFile(dir_ / "chromium.log");
    std::istringstream log(ReadFile(dir_ / "chromium.log"));
    for (std::string line; std::getline(log, line);) {
      if (line.find("CONSOLE") != std::string::npos) console += line + "\n";
    }
    return ReadFile(dir_ / "dom.html");
  }

  std::string binary_;
  fs::path dir_;
};

TEST_F(HtmlReportTest, EveryChartDrawsAndTheConsoleIsClean) {
  std::ofstream(dir_ / "results.csv") << ThesisCsv();
  std::ofstream(dir_ / "manifest.json")
      << R"({"machine": {"cpu": "test-cpu", "cores": 2}, "versions": {"grpc": "1.51.1"}, "config": {"runs": 15}})";
  std::string histograms = "scenario,protocol,le,count\n";
  for (const char* s : {"S1_chat", "S2_quotes", "S3_burst"}) {
    for (const char* p : {"rest", "grpc", "thrift"}) {
      int cumulative = 0;
      for (int le : {250, 500, 1000, 2000, 4000}) {
        cumulative += 10 + le / 100;
        histograms += std::string(s) + "," + p + "," + std::to_string(le) + "," + std::to_string(cumulative) + "\n";
      }
      histograms += std::string(s) + "," + p + ",+Inf," + std::to_string(cumulative + 3) + "\n";
    }
  }
  std::ofstream(dir_ / "histograms.csv") << histograms;
  const fs::path html = dir_ / "report.html";
  ASSERT_EQ(RunShell(binary_ + " analyze " + (dir_ / "results.csv").string() +
                     " --transform latency_ms=ln --format html --out " + html.string()),
            0);
  const std::string page = ReadFile(html);
  // Self-contained: no external script or stylesheet.
  EXPECT_EQ(page.find("<script src"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_NE(page.find("test-cpu"), std::string::npos) << "the manifest's machine is shown";
  EXPECT_NE(page.find("Latency CDF"), std::string::npos);
  EXPECT_NE(page.find("Resource use per process"), std::string::npos);

  std::string console;
  const std::string dom = RenderInChromium(html, console);
  EXPECT_EQ(console, "") << "the page wrote to the console";
  EXPECT_NE(dom.find("data-charts-done=\"true\""), std::string::npos) << "the chart script never finished";
  EXPECT_NE(dom.find("data-errors=\"[]\""), std::string::npos);

  // Each chart container from the served page must now hold an SVG with drawn marks.
  std::regex chart_id("<div class=\"chart\" id=\"([a-z0-9-]+)\"");
  int charts = 0;
  for (auto it = std::sregex_iterator(page.begin(), page.end(), chart_id); it != std::sregex_iterator(); ++it) {
    const std::string id = (*it)[1];
    ++charts;
    const auto start = dom.find("id=\"" + id + "\"");
    ASSERT_NE(start, std::string::npos) << id;
    const auto tag_end = dom.find('>', start);
    EXPECT_NE(dom.substr(start, tag_end - start).find("data-rendered=\"true\""), std::string::npos) << id;
    const auto next = dom.find("class=\"chart", tag_end);
    const std::string body = dom.substr(tag_end, next == std::string::npos ? std::string::npos : next - tag_end);
    EXPECT_NE(body.find("<svg"), std::string::npos) << id << " has no SVG";
    EXPECT_NE(body.find("class=\"mark-"), std::string::npos) << id << " drew no marks";
    EXPECT_NE(body.find("<path"), std::string::npos) << id << " drew no shapes";
  }
  // 8 metrics x (bars + box) + CDF + per-process resources.
  EXPECT_EQ(charts, 8 * 2 + 2);
}

TEST_F(HtmlReportTest, BrokenChartIsCaught) {
  // The check above must be able to fail: a report whose chart library is missing draws nothing.
  std::ofstream(dir_ / "results.csv") << ThesisCsv();
  const fs::path html = dir_ / "report.html";
  ASSERT_EQ(RunShell(binary_ + " analyze " + (dir_ / "results.csv").string() + " --format html --out " + html.string()),
            0);
  std::string page = ReadFile(html);
  const auto embed = page.rfind("vegaEmbed(element");
  ASSERT_NE(embed, std::string::npos);
  page.replace(embed, 9, "vegaEmbedX");
  const fs::path broken = dir_ / "broken.html";
  std::ofstream(broken) << page;
  std::string console;
  const std::string dom = RenderInChromium(broken, console);
  EXPECT_NE(console, "");
  EXPECT_EQ(dom.find("data-rendered=\"true\""), std::string::npos);
}

}  // namespace
}  // namespace maestro::report
