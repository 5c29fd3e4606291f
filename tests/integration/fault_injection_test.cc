// Fault injection under closed-loop load: a service is killed (SIGKILL) or frozen (SIGSTOP) while users keep
// asking; every request must get exactly one typed answer by its deadline plus 1 s, the client's and Maestro's
// counts must agree, and a killed service must be restarted and serving again within 2 s.
// CI runs a few users per case; scripts/fault-matrix.sh runs the full 200-user matrix.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "common/http_url.h"
#include "net/http_client.h"
#include "orchestrator/stack.h"
#include "tests/support/assist_request.h"
#include "tests/support/test_support.h"

namespace maestro {
namespace {

namespace http = net::http;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kDeadline{1500};
constexpr milliseconds kLateness{1000};  // an answer may come this much after the deadline, no more

int Users() {
  const char* users = std::getenv("MAESTRO_FAULT_USERS");
  return users ? std::max(1, std::atoi(users)) : 6;
}

// Closed-loop users: each sends its next request when the previous one is answered.
class ClosedLoop {
 public:
  ClosedLoop(const std::string& host, uint16_t port, int users)
      : client_(host, port, net::HttpClientOptions{.max_connections = users}), wav_(testing::ToneWav(0.5)) {
    for (int i = 0; i < users; ++i) SendNext();
  }

  // Stops sending and waits for every request in flight. RETURNS false if one never came back.
  bool Drain() {
    running_ = false;
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, kDeadline + kLateness + std::chrono::seconds(5), [&] { return in_flight_ == 0; });
  }

  struct Counts {
    int sent = 0, answered = 0, ok = 0, typed_errors = 0, untyped = 0, late = 0;
    std::map<int, int> by_status;
  };
  Counts counts() {
    std::lock_guard lock(mutex_);
    return counts_;
  }
  // Answers that came back 200 since `since`.
  int OkSince(Clock::time_point since) {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(ok_times_.begin(), ok_times_.end(), [&](auto t) { return t >= since; }));
  }

 private:
  void SendNext() {
    {
      std::lock_guard lock(mutex_);
      if (!running_) return;
      ++counts_.sent;
      ++in_flight_;
    }
    const auto started = Clock::now();
    // The client waits longer than the promise, so that a late answer is seen as late rather than cut off.
    client_.Send(testing::AssistRequest(wav_), Deadline::In(kDeadline + kLateness + std::chrono::seconds(3)),
                 [this, started](Result<net::HttpResponse> response) {
                   Record(response, Clock::now() - started);
                   SendNext();
                 });
  }

  void Record(const Result<net::HttpResponse>& response, Clock::duration elapsed) {
    std::lock_guard lock(mutex_);
    ++counts_.answered;
    --in_flight_;
    if (elapsed > kDeadline + kLateness) ++counts_.late;
    if (!response.ok()) {
      ++counts_.untyped;
    } else {
      const int status = response->result_int();
      ++counts_.by_status[status];
      if (status == 200) {
        ++counts_.ok;
        ok_times_.push_back(Clock::now());
      } else if (status == 502 || status == 503 || status == 504) {
        auto body = nlohmann::json::parse(response->body(), nullptr, false);
        if (body.is_object() && body.contains("code")) {
          ++counts_.typed_errors;
        } else {
          ++counts_.untyped;
        }
      } else {
        ++counts_.untyped;
      }
    }
    if (in_flight_ == 0) idle_.notify_all();
  }

  net::HttpClient client_;
  const std::string wav_;
  std::atomic<bool> running_{true};
  std::mutex mutex_;
  std::condition_variable idle_;
  int in_flight_ = 0;
  Counts counts_;
  std::vector<Clock::time_point> ok_times_;
};

// Sums maestro_requests_total over every outcome from Maestro's /metrics.
double MaestroRequestsTotal(const std::string& host, uint16_t port) {
  net::HttpClient client(host, port, {.max_connections = 1});
  auto response =
      client.SendBlocking(net::HttpRequest{http::verb::get, "/metrics", 11}, Deadline::In(std::chrono::seconds(5)));
  if (!response.ok()) return -1;
  static const std::regex line(R"(^maestro_requests_total\{[^}]*\} ([0-9.e+]+)$)");
  double total = 0;
  std::istringstream text(response->body());
  for (std::string row; std::getline(text, row);) {
    std::smatch match;
    if (std::regex_match(row, match, line)) total += std::stod(match[1]);
  }
  return total;
}

struct FaultCase {
  const char* protocol;
  const char* service;
  int signal;
};

std::string CaseName(const ::testing::TestParamInfo<FaultCase>& info) {
  return std::string(info.param.protocol) + "_" + info.param.service + "_" +
         (info.param.signal == SIGKILL ? "kill" : "stop");
}

class FaultInjectionTest : public ::testing::TestWithParam<FaultCase> {
 protected:
  void SetUp() override {
    StackOptions options;
    options.binary = testing::MaestroBinary();
    options.protocol = GetParam().protocol;
    options.port = 0;
    options.restart = true;
    options.restart_backoff = milliseconds(100);
    options.engine_options = {{"stt", {"service_ms=5"}}, {"llm", {"service_ms=5"}}, {"tts", {"seconds=1"}}};
    options.maestro_flags = {"--timeout", std::to_string(kDeadline.count()) + "ms", "--max-inflight", "64"};
    ASSERT_TRUE(stack_.Start(options).ok());
    auto url = ParseHttpUrl(stack_.url()).value();
    host_ = url.host;
    port_ = url.port;
  }

  // Runs the supervisor (as `maestro up` does) for `duration`.
  void Supervise(milliseconds duration) {
    const auto until = Clock::now() + duration;
    while (Clock::now() < until) {
      ASSERT_TRUE(stack_.Supervise().ok());
      std::this_thread::sleep_for(milliseconds(10));
    }
  }

  StackProcess Service() const {
    for (const auto& process : stack_.processes()) {
      if (process.name == GetParam().service) return process;
    }
    ADD_FAILURE() << "no process " << GetParam().service;
    return {};
  }

  Stack stack_;
  std::string host_;
  uint16_t port_ = 0;
};

TEST_P(FaultInjectionTest, EveryRequestGetsOneTimelyTypedAnswerAndTheStackRecovers) {
  const double maestro_before = MaestroRequestsTotal(host_, port_);
  ClosedLoop load(host_, port_, Users());
  Supervise(milliseconds(500));
  const pid_t victim = Service().pid;
  ASSERT_GT(victim, 0);
  ASSERT_EQ(kill(victim, GetParam().signal), 0);
  const auto injected = Clock::now();

  if (GetParam().signal == SIGSTOP) {
    // Frozen: requests run into their deadline. Wait past it, then let the service go on.
    Supervise(kDeadline + milliseconds(700));
    auto frozen = load.counts();
    EXPECT_GT(frozen.by_status[504], 0) << "no request ran into the deadline while the service was stopped";
    ASSERT_EQ(kill(victim, SIGCONT), 0);
  } else {
    // Killed: the supervisor restarts it on its port; the stack must answer 200 again within 2 s of that.
    Clock::time_point restarted{};
    while (Clock::now() - injected < std::chrono::seconds(10)) {
      ASSERT_TRUE(stack_.Supervise().ok());
      if (Service().restarts == 1 && Service().pid > 0) {
        restarted = Clock::now();
        break;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    ASSERT_NE(restarted, Clock::time_point{}) << GetParam().service << " was not restarted";
    while (load.OkSince(restarted) == 0 && Clock::now() - restarted < std::chrono::seconds(2)) {
      Supervise(milliseconds(20));
    }
    EXPECT_GT(load.OkSince(restarted), 0) << "no request succeeded within 2 s of the restart";
  }
  Supervise(milliseconds(500));
  const auto recovered = Clock::now();
  Supervise(milliseconds(500));
  EXPECT_GT(load.OkSince(recovered), 0) << "the stack does not serve after the fault";

  ASSERT_TRUE(load.Drain()) << "a request never came back";
  const auto counts = load.counts();
  EXPECT_EQ(counts.answered, counts.sent);
  EXPECT_EQ(counts.ok + counts.typed_errors, counts.answered);
  EXPECT_EQ(counts.untyped, 0) << "answers that are neither 2xx nor a JSON 502/503/504";
  EXPECT_EQ(counts.late, 0) << "answers later than the deadline plus 1 s";
  EXPECT_EQ(MaestroRequestsTotal(host_, port_) - maestro_before, counts.sent) << "Maestro's count differs";
  std::string statuses;
  for (auto [status, n] : counts.by_status) statuses += " " + std::to_string(status) + "x" + std::to_string(n);
  std::printf("%s %s %s: %d requests:%s\n", GetParam().protocol, GetParam().service,
              GetParam().signal == SIGKILL ? "kill" : "stop", counts.sent, statuses.c_str());
}

std::vector<FaultCase> AllCases() {
  std::vector<FaultCase> cases;
  for (const char* protocol : {"rest", "grpc", "thrift"}) {
    for (const char* service : {"stt", "llm", "tts"}) {
      for (int signal : {SIGKILL, SIGSTOP}) cases.push_back({protocol, service, signal});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Matrix, FaultInjectionTest, ::testing::ValuesIn(AllCases()), CaseName);

TEST(StackSupervisionTest, RestartNeverReportsTheDeadChildByName) {
  StackOptions options;
  options.binary = testing::MaestroBinary();
  options.protocol = "rest";
  options.port = 0;
  Stack stack;
  ASSERT_TRUE(stack.Start(options).ok());
  for (const auto& process : stack.processes()) {
    if (process.name == "llm") {
      ASSERT_EQ(kill(process.pid, SIGKILL), 0);
    }
  }
  Status status;
  const auto until = Clock::now() + std::chrono::seconds(5);
  while (status.ok() && Clock::now() < until) {
    status = stack.Supervise();
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("llm was killed by signal"), std::string::npos) << status.message();
}

TEST(StackSupervisionTest, StopLetsMaestroFinishWhatIsInFlightBeforeTheServicesGo) {
  StackOptions options;
  options.binary = testing::MaestroBinary();
  options.protocol = "rest";
  options.port = 0;
  // Requests sit in the LLM when the stop comes; TTS is still ahead of them.
  options.engine_options = {{"llm", {"service_ms=700"}}, {"tts", {"seconds=1"}}};
  Stack stack;
  ASSERT_TRUE(stack.Start(options).ok());
  auto url = ParseHttpUrl(stack.url()).value();
  net::HttpClient client(url.host, url.port, {.max_connections = 8});
  std::atomic<int> ok{0}, done{0};
  const std::string wav = testing::ToneWav(0.5);
  for (int i = 0; i < 8; ++i) {
    client.Send(testing::AssistRequest(wav), Deadline::In(std::chrono::seconds(10)),
                [&](Result<net::HttpResponse> response) {
                  if (response.ok() && response->result_int() == 200) ok++;
                  done++;
                });
  }
  std::this_thread::sleep_for(milliseconds(300));
  stack.Stop();
  while (done < 8) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_EQ(ok.load(), 8) << "requests in flight at the stop failed: the services went down under Maestro";
}

}  // namespace
}  // namespace maestro
