#include "orchestrator/stack.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <thread>

#include "common/http_url.h"
#include "net/http_client.h"
#include "tests/support/assist_request.h"
#include "tests/support/maestro_process.h"
#include "tests/support/test_support.h"

namespace maestro {
namespace {

namespace http = net::http;

// The protocols every integration test runs over.
const char* kProtocols[] = {"rest", "grpc", "thrift", "inproc"};

class StackTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (testing::MaestroBinary().empty()) GTEST_FAIL() << "the maestro binary was not built";
    StackOptions options;
    options.binary = testing::MaestroBinary();
    options.protocol = GetParam();
    options.port = 0;
    ASSERT_TRUE(stack_.Start(options).ok());
    auto url = ParseHttpUrl(stack_.url()).value();
    client_ = std::make_unique<net::HttpClient>(url.host, url.port, net::HttpClientOptions{.max_connections = 64});
  }

  Stack stack_;
  std::unique_ptr<net::HttpClient> client_;
};

TEST_P(StackTest, AssistAnswersAWavWithTheExpectedLength) {
  auto response =
      client_->SendBlocking(testing::AssistRequest(testing::ToneWav(4)), Deadline::In(std::chrono::seconds(10)));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->result_int(), 200) << response->body();
  EXPECT_EQ((*response)[http::field::content_type], "audio/wav");
  // The emulated TTS speaks 10 s at 22.05 kHz, 16-bit mono, plus the 44-byte header.
  EXPECT_EQ(response->body().size(), 44u + 10 * 22050 * 2);
}

TEST_P(StackTest, TwoHundredConcurrentRequestsAllSucceed) {
  const int requests = 200;
  std::atomic<int> ok{0}, done{0};
  std::string wav = testing::ToneWav(4);
  for (int i = 0; i < requests; ++i) {
    client_->Send(testing::AssistRequest(wav), Deadline::In(std::chrono::seconds(30)),
                  [&](Result<net::HttpResponse> r) {
                    if (r.ok() && r->result_int() == 200 && r->body().size() == 441044u) ok++;
                    done++;
                  });
  }
  ASSERT_TRUE(testing::WaitUntil([&] { return done == requests; }, std::chrono::seconds(60)));
  EXPECT_EQ(ok.load(), requests);
}

TEST_P(StackTest, EveryServiceServesMetricsAndHealth) {
  for (const auto& process : stack_.processes()) {
    SCOPED_TRACE(process.name);
    net::HttpClient admin("127.0.0.1", process.admin_port);
    auto health = admin.SendBlocking({http::verb::get, "/readyz", 11}, Deadline::In(std::chrono::seconds(5)));
    ASSERT_TRUE(health.ok()) << health.status().ToString();
    EXPECT_EQ(health->result_int(), 200);
    auto metrics = admin.SendBlocking({http::verb::get, "/metrics", 11}, Deadline::In(std::chrono::seconds(5)));
    ASSERT_TRUE(metrics.ok());
    EXPECT_NE(metrics->body().find("# TYPE maestro_inflight_requests gauge"), std::string::npos);
  }
}

TEST_P(StackTest, ServesMetricsAndHealth) {
  net::HttpRequest health{http::verb::get, "/health", 11};
  auto response = client_->SendBlocking(health, Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->body(), R"({"status":"healthy"})");
  ASSERT_TRUE(client_
                  ->SendBlocking(testing::AssistRequest(testing::ToneWav(1)),
                                 Deadline::In(std::chrono::seconds(5) * testing::TimeScale()))
                  .ok());
  net::HttpRequest metrics{http::verb::get, "/metrics", 11};
  response = client_->SendBlocking(metrics, Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(response.ok());
  EXPECT_NE(response->body().find("maestro_hop_duration_seconds_bucket{hop=\"llm\""), std::string::npos);
  EXPECT_NE(response->body().find("maestro_requests_total{outcome=\"ok\""), std::string::npos);
}

// Sends `bytes` to a port and reads until the peer closes or 1 s passes.
void SendRaw(uint16_t port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    timeval timeout{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    shutdown(fd, SHUT_WR);
    char buffer[4096];
    while (recv(fd, buffer, sizeof(buffer), 0) > 0) {
    }
  }
  close(fd);
}

TEST_P(StackTest, MalformedWireInputNeverKillsAProcess) {
  std::mt19937 rng(1234);
  std::string garbage(70000, '\0');
  for (auto& c : garbage) c = static_cast<char>(rng());
  const std::string http_truncated = "POST /assist HTTP/1.1\r\nContent-Length: 100000\r\n\r\nRIFF";
  // A gRPC/HTTP2 preface followed by junk; a Thrift frame header announcing 2 GB; a binary-protocol call
  // whose string length runs past the end.
  const std::string h2_preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + garbage.substr(0, 500);
  const std::string thrift_huge_frame = std::string("\x7f\xff\xff\xff", 4) + garbage.substr(0, 100);
  const std::string thrift_truncated = std::string(
      "\x80\x01\x00\x01\x00\x00\x00\x0aTranscribe\x00\x00\x00\x01"
      "\x0b\x00\x01\x7f\x00\x00\x00"
      "abc",
      30);
  for (const auto& process : stack_.processes()) {
    for (const std::string& payload :
         {garbage, http_truncated, h2_preface, thrift_huge_frame, thrift_truncated, std::string(1, '\xff')}) {
      SendRaw(process.port, payload);
    }
  }
  ASSERT_TRUE(stack_.CheckChildren().ok()) << stack_.CheckChildren().ToString();
  auto response =
      client_->SendBlocking(testing::AssistRequest(testing::ToneWav(1)), Deadline::In(std::chrono::seconds(10)));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->result_int(), 200);
}

// Every route the OpenAPI document gives Maestro exists on the running server (no 404).
TEST_P(StackTest, ServesEveryMaestroRouteOfTheOpenApiDocument) {
  YAML::Node document = YAML::LoadFile(testing::SourceDir() + "/openapi/maestro.yaml");
  int checked = 0;
  for (const auto& path : document["paths"]) {
    for (const auto& operation : path.second) {
      std::string tag = operation.second["tags"][0].as<std::string>();
      if (tag != "maestro" && tag != "admin") continue;
      std::string method = operation.first.as<std::string>();
      net::HttpRequest request{method == "get" ? http::verb::get : http::verb::post, path.first.as<std::string>(), 11};
      if (method == "post") {
        request.set(http::field::content_type, "application/json");
        request.body() = "{}";
      }
      auto response = client_->SendBlocking(request, Deadline::In(std::chrono::seconds(5)));
      ASSERT_TRUE(response.ok());
      EXPECT_NE(response->result_int(), 404) << method << " " << path.first.as<std::string>();
      ++checked;
    }
  }
  EXPECT_GE(checked, 6);
}

INSTANTIATE_TEST_SUITE_P(Protocols, StackTest, ::testing::ValuesIn(kProtocols));

TEST(StackFailureTest, DeadServiceGives502NamingTheHop) {
  if (testing::MaestroBinary().empty()) GTEST_FAIL() << "the maestro binary was not built";
  Stack stack;
  StackOptions options;
  options.binary = testing::MaestroBinary();
  options.protocol = "rest";
  options.port = 0;
  ASSERT_TRUE(stack.Start(options).ok());
  for (const auto& process : stack.processes()) {
    if (process.name == "llm") kill(process.pid, SIGKILL);
  }
  auto url = ParseHttpUrl(stack.url()).value();
  net::HttpClient client(url.host, url.port);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto response =
      client.SendBlocking(testing::AssistRequest(testing::ToneWav(1)), Deadline::In(std::chrono::seconds(10)));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->result_int(), 502);
  auto body = nlohmann::json::parse(response->body());
  EXPECT_EQ(body["hop"], "llm");
  auto status = stack.CheckChildren();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("llm"), std::string::npos);
}

TEST(UpCommandTest, StopsEverythingOnSigtermAndExitsZero) {
  if (testing::MaestroBinary().empty()) GTEST_FAIL() << "the maestro binary was not built";
  testing::MaestroProcess up({"up", "--protocol", "rest", "--engines", "emulated", "--port", "0"});
  ASSERT_TRUE(up.WaitFor("Ctrl-C stops everything")) << up.seen;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(up.seen, match, std::regex("stt: pid (\\d+)")));
  pid_t stt_pid = std::stoi(match[1]);
  kill(up.pid, SIGTERM);
  EXPECT_EQ(up.Wait(), 0);
  EXPECT_NE(kill(stt_pid, 0), 0) << "the stt child outlived `maestro up`";
}

TEST(UpCommandTest, UnderRestartNeverADeadChildIsReportedAndExitsNonZero) {
  if (testing::MaestroBinary().empty()) GTEST_FAIL() << "the maestro binary was not built";
  testing::MaestroProcess up(
      {"up", "--protocol", "rest", "--engines", "emulated", "--port", "0", "--restart", "never"});
  ASSERT_TRUE(up.WaitFor("Ctrl-C stops everything")) << up.seen;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(up.seen, match, std::regex("tts: pid (\\d+)")));
  kill(std::stoi(match[1]), SIGKILL);
  EXPECT_TRUE(up.WaitFor("tts was killed by signal"));
  EXPECT_EQ(up.Wait(), 1);
}

TEST(UpCommandTest, ByDefaultADeadChildIsRestartedOnItsPortAndUpKeepsServing) {
  if (testing::MaestroBinary().empty()) GTEST_FAIL() << "the maestro binary was not built";
  testing::MaestroProcess up({"up", "--protocol", "rest", "--engines", "emulated", "--port", "0"});
  ASSERT_TRUE(up.WaitFor("Ctrl-C stops everything")) << up.seen;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(up.seen, match, std::regex("tts: pid (\\d+)")));
  kill(std::stoi(match[1]), SIGKILL);
  EXPECT_TRUE(up.WaitFor("tts restarted")) << up.seen;
  kill(up.pid, SIGTERM);
  EXPECT_EQ(up.Wait(), 0);
}

}  // namespace
}  // namespace maestro
