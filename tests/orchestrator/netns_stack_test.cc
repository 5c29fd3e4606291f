// The whole assistant on network-namespace hosts (root only, as in CI): each process on its own address, answers
// through the bridge, and nothing left behind after a stop, Ctrl-C, or `kill -9` of the parent plus a cleanup.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include "net/http_client.h"
#include "net/multipart.h"
#include "orchestrator/stack.h"
#include "tests/support/test_support.h"
#include "topology/run_command.h"

namespace maestro {
namespace {

namespace http = net::http;

net::HttpRequest AssistRequest(const std::string& wav) {
  net::HttpRequest request{http::verb::post, "/assist", 11};
  std::string content_type;
  request.body() = net::BuildMultipartFile("file", "q.wav", "audio/wav", wav, content_type);
  request.set(http::field::content_type, content_type);
  return request;
}

// Maestro's namespaces currently in /run/netns whose names carry `pid`.
std::vector<std::string> NamespacesOf(pid_t pid) {
  std::vector<std::string> names;
  std::error_code error;
  std::string prefix = "maestro-" + std::to_string(pid) + "-";
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", error)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0) names.push_back(name);
  }
  return names;
}

class NetnsStackTest : public ::testing::TestWithParam<const char*> {};

TEST_P(NetnsStackTest, EveryProcessOnItsOwnHostAnswersAndLeavesNothingBehind) {
  StackOptions options;
  options.binary = testing::MaestroBinary();
  options.protocol = GetParam();
  options.topology = "netns";
  options.link.rate_mbit = 1000;
  options.engine_options = {{"stt", {"service_ms=1"}}, {"llm", {"service_ms=1"}}, {"tts", {"service_ms=1"}}};
  {
    Stack stack;
    auto started = stack.Start(options);
    ASSERT_TRUE(started.ok()) << started.ToString();
    ASSERT_NE(stack.hosts(), nullptr);
    std::set<std::string> addresses;
    for (const auto& process : stack.processes()) {
      EXPECT_TRUE(std::regex_match(process.host, std::regex(R"(198\.(18|19)\.\d+\.\d+)"))) << process.host;
      addresses.insert(process.host);
    }
    EXPECT_EQ(addresses.size(), stack.processes().size()) << "two processes share a host";
    EXPECT_EQ(NamespacesOf(getpid()).size(), stack.processes().size() + 1);  // and the switch
    auto url = net::ParseHttpUrl(stack.url()).value();
    net::HttpClient client(url.host, url.port);
    auto response = client.SendBlocking(AssistRequest(testing::ToneWav(1)), Deadline::In(std::chrono::seconds(20)));
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->result_int(), 200) << response->body();
    EXPECT_EQ(response->body().size(), 441044u);
  }
  EXPECT_TRUE(NamespacesOf(getpid()).empty());
}

INSTANTIATE_TEST_SUITE_P(Protocols, NetnsStackTest, ::testing::Values("rest", "grpc", "thrift"));

// `maestro up` as a user runs it, with its output read until a pattern appears.
struct UpProcess {
  pid_t pid = -1;
  int out = -1;
  std::string seen;

  explicit UpProcess(std::vector<std::string> args, std::vector<std::string> prefix = {}) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    pid = fork();
    if (pid == 0) {
      dup2(fds[1], STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
      close(fds[0]);
      std::vector<std::string> all = prefix;
      all.push_back(testing::MaestroBinary());
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& arg : all) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    out = fds[0];
  }
  ~UpProcess() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    close(out);
  }
  bool WaitFor(const std::string& text, std::chrono::seconds timeout = std::chrono::seconds(60)) {
    auto until = std::chrono::steady_clock::now() + timeout;
    char buffer[1024];
    while (seen.find(text) == std::string::npos && std::chrono::steady_clock::now() < until) {
      timeval tv{0, 100000};
      fd_set set;
      FD_ZERO(&set);
      FD_SET(out, &set);
      if (select(out + 1, &set, nullptr, nullptr, &tv) > 0) {
        ssize_t n = read(out, buffer, sizeof(buffer));
        if (n <= 0) break;
        seen.append(buffer, static_cast<size_t>(n));
      }
    }
    return seen.find(text) != std::string::npos;
  }
  int Wait() {
    int status = 0;
    waitpid(pid, &status, 0);
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

const std::vector<std::string> kUpNetns = {"up", "--topology", "netns", "--engines", "emulated", "--protocol", "grpc"};

TEST(NetnsUpTest, CtrlCRemovesEveryNamespace) {
  UpProcess up(kUpNetns);
  ASSERT_TRUE(up.WaitFor("Ctrl-C stops everything")) << up.seen;
  EXPECT_NE(up.seen.find("Maestro is up at http://198."), std::string::npos) << up.seen;
  EXPECT_EQ(NamespacesOf(up.pid).size(), 5u);
  kill(up.pid, SIGINT);
  pid_t pid = up.pid;
  EXPECT_EQ(up.Wait(), 0);
  EXPECT_TRUE(NamespacesOf(pid).empty());
}

TEST(NetnsUpTest, AfterKillNineTheChildrenDieAndCleanupRemovesTheNamespaces) {
  UpProcess up(kUpNetns);
  ASSERT_TRUE(up.WaitFor("Ctrl-C stops everything")) << up.seen;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(up.seen, match, std::regex("stt: pid (\\d+)")));
  pid_t stt = std::stoi(match[1]);
  pid_t pid = up.pid;
  kill(pid, SIGKILL);
  up.Wait();
  EXPECT_EQ(NamespacesOf(pid).size(), 5u) << "nothing removes them before a cleanup";
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (kill(stt, 0) == 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(kill(stt, 0), 0) << "the stt child outlived its parent";
  UpProcess cleanup({"netns", "cleanup"});
  EXPECT_EQ(cleanup.Wait(), 0);
  EXPECT_TRUE(NamespacesOf(pid).empty());
}

TEST(NetnsUpTest, WithoutCapNetAdminItFailsClearly) {
  // setpriv (util-linux) drops the capabilities from the bounding set, so even root lacks them after exec.
  UpProcess up(kUpNetns,
               {"/usr/bin/setpriv", "--bounding-set=-net_admin,-sys_admin", "--inh-caps=-net_admin,-sys_admin"});
  ASSERT_TRUE(up.WaitFor("CAP_NET_ADMIN", std::chrono::seconds(30))) << up.seen;
  EXPECT_NE(up.Wait(), 0);
}

TEST(NetnsUpTest, LinkFlagsWithoutNetnsAreRefused) {
  UpProcess up({"up", "--engines", "emulated", "--link-delay", "1ms"});
  EXPECT_TRUE(up.WaitFor("need --topology netns", std::chrono::seconds(30))) << up.seen;
  EXPECT_EQ(up.Wait(), 2);
}

}  // namespace
}  // namespace maestro
