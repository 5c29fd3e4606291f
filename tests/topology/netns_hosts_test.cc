// Real namespaces, veth links and a bridge (the tests run as root, as CI does).
#include "topology/netns_hosts.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <regex>
#include <thread>

#include "topology/run_command.h"

namespace maestro::topology {
namespace {

using Clock = std::chrono::steady_clock;

// Runs `body` on a thread that has entered network namespace `netns` (empty: stays in the root namespace).
void RunIn(const std::string& netns, const std::function<void()>& body) {
  std::thread thread([&] {
    if (!netns.empty()) {
      int fd = open(NetnsPath(netns).c_str(), O_RDONLY | O_CLOEXEC);
      ASSERT_GE(fd, 0);
      ASSERT_EQ(setns(fd, CLONE_NEWNET), 0) << strerror(errno);
      close(fd);
    }
    body();
  });
  thread.join();
}

sockaddr_in Address(const std::string& ip, uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
  return address;
}

// A listening socket in `netns` on `ip`. RETURNS the fd and sets `port`.
int ListenIn(const std::string& netns, const std::string& ip, uint16_t& port) {
  int fd = -1;
  RunIn(netns, [&] {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    auto address = Address(ip, 0);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0) << strerror(errno);
    ASSERT_EQ(listen(fd, 16), 0);
    socklen_t length = sizeof(address);
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  });
  return fd;
}

// Connects from `netns` to ip:port. RETURNS the connected fd, or -1.
int ConnectFrom(const std::string& netns, const std::string& ip, uint16_t port) {
  int fd = -1;
  RunIn(netns, [&] {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval timeout{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    auto address = Address(ip, port);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      close(fd);
      fd = -1;
    }
  });
  return fd;
}

bool NetnsExists(const std::string& name) {
  return std::filesystem::exists(NetnsPath(name));
}

std::string RootLinks() {
  return RunCommand({"ip", "-o", "link", "show"}).value();
}

TEST(NetnsHostsTest, HostsShareABridgeInAClosedWorld) {
  auto hosts = NetnsHosts::Create({});
  ASSERT_TRUE(hosts.ok()) << hosts.status().ToString();
  auto a = (*hosts)->AddHost("a");
  auto b = (*hosts)->AddHost("b");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ((*hosts)->AddHost("a").status().code(), StatusCode::kInvalidArgument);
  std::regex rfc2544(R"(^198\.(18|19)\.\d+\.\d+$)");
  for (const auto& host : {*a, *b}) {
    SCOPED_TRACE(host.name);
    EXPECT_TRUE(NetnsExists(host.netns));
    EXPECT_TRUE(std::regex_match(host.address, rfc2544)) << host.address;
    EXPECT_EQ(RunCommand({"ip", "-n", host.netns, "route", "show", "default"}).value(), "");
    // The only route is the bridge's /24: nothing can leave it.
    auto routes = RunCommand({"ip", "-n", host.netns, "-4", "route", "show"}).value();
    EXPECT_EQ(std::count(routes.begin(), routes.end(), '\n'), 1) << routes;
  }
  EXPECT_TRUE(std::regex_match((*hosts)->client_address(), rfc2544));
  EXPECT_NE(a->address, b->address);
  EXPECT_EQ(a->address.substr(0, a->address.rfind('.')), b->address.substr(0, b->address.rfind('.')));

  uint16_t port = 0;
  int listener = ListenIn(a->netns, a->address, port);
  ASSERT_GE(listener, 0);
  int from_b = ConnectFrom(b->netns, a->address, port);
  EXPECT_GE(from_b, 0) << "host b cannot reach host a";
  int from_root = ConnectFrom("", a->address, port);
  EXPECT_GE(from_root, 0) << "the root namespace cannot reach host a";
  // Host a's loopback is its own: 127.0.0.1 there is not the machine's.
  EXPECT_LT(ConnectFrom(b->netns, "127.0.0.1", port), 0);
  for (int fd : {listener, from_b, from_root}) close(fd);
}

TEST(NetnsHostsTest, DestroyingRemovesEveryNamespaceAndLink) {
  std::vector<std::string> names;
  std::string client;
  {
    auto hosts = NetnsHosts::Create({});
    ASSERT_TRUE(hosts.ok()) << hosts.status().ToString();
    ASSERT_TRUE((*hosts)->AddHost("stt0").ok());
    ASSERT_TRUE((*hosts)->AddHost("maestro").ok());
    names = (*hosts)->namespaces();
    client = (*hosts)->client_address();
    ASSERT_EQ(names.size(), 3u);
    for (const auto& name : names) EXPECT_TRUE(NetnsExists(name)) << name;
  }
  for (const auto& name : names) EXPECT_FALSE(NetnsExists(name)) << name;
  // The client link goes with the switch namespace (asynchronously in the kernel).
  auto until = Clock::now() + std::chrono::seconds(5);
  while (RunCommand({"ip", "-4", "-o", "addr", "show"}).value().find("inet " + client + "/") != std::string::npos &&
         Clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(RunCommand({"ip", "-4", "-o", "addr", "show"}).value().find("inet " + client + "/"), std::string::npos);
}

TEST(NetnsHostsTest, CleanupRemovesWhatADeadProcessLeftAndKeepsTheLiving) {
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  std::string dead_ns = "maestro-" + std::to_string(dead) + "-0-switch";
  std::string dead_link = "m" + std::to_string(dead) + "n0";
  std::string live_ns = "maestro-" + std::to_string(getpid()) + "-9999-switch";
  ASSERT_TRUE(RunCommand({"ip", "netns", "add", dead_ns}).ok());
  ASSERT_TRUE(RunCommand({"ip", "link", "add", dead_link, "type", "veth", "peer", "name", "x" + dead_link}).ok());
  ASSERT_TRUE(RunCommand({"ip", "netns", "add", live_ns}).ok());

  auto report = CleanupNetns();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(NetnsExists(dead_ns));
  EXPECT_EQ(RootLinks().find(" " + dead_link + "@"), std::string::npos);
  EXPECT_TRUE(NetnsExists(live_ns));
  // (Another test process's start-up may have removed the dead one first: ctest runs tests in parallel.)
  EXPECT_NE(std::find(report->in_use.begin(), report->in_use.end(), live_ns), report->in_use.end());
  ASSERT_TRUE(RunCommand({"ip", "netns", "delete", live_ns}).ok());
}

TEST(NetnsHostsTest, ConcurrentCleanupsAllSucceedAndRemoveEachOrphanOnce) {
  // The realistic orphan: a switch namespace holding the peer of a root link, so the link dies with the namespace,
  // asynchronously, as after `kill -9` of `maestro up` while another run starts.
  std::vector<std::string> orphans;
  for (int i = 0; i < 4; ++i) {
    pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, nullptr, 0);
    std::string ns = "maestro-" + std::to_string(dead) + "-0-switch";
    std::string link = "m" + std::to_string(dead) + "n0";
    ASSERT_TRUE(RunCommand({"ip", "netns", "add", ns}).ok());
    ASSERT_TRUE(RunCommand({"ip", "link", "add", link, "type", "veth", "peer", "name", "client", "netns", ns}).ok());
    orphans.push_back(ns);
  }
  constexpr int kCleaners = 3;
  std::vector<Result<NetnsCleanup>> reports(kCleaners, Unavailable("not run"));
  std::vector<std::thread> cleaners;
  cleaners.reserve(kCleaners);
  for (int i = 0; i < kCleaners; ++i) cleaners.emplace_back([&, i] { reports[i] = CleanupNetns(); });
  for (auto& cleaner : cleaners) cleaner.join();
  for (const auto& name : orphans) {
    int removals = 0;
    for (const auto& report : reports) {
      ASSERT_TRUE(report.ok()) << report.status().ToString();
      removals += static_cast<int>(std::count(report->removed.begin(), report->removed.end(), name));
    }
    EXPECT_FALSE(NetnsExists(name));
    // Another test process's start-up may have removed it first: ctest runs tests in parallel.
    EXPECT_LE(removals, 1) << name;
  }
}

// Sends `bytes` from host `from` to a reader on host `to`. RETURNS the seconds until the reader has them all.
double Transfer(const NetnsHost& from, const NetnsHost& to, size_t bytes) {
  uint16_t port = 0;
  int listener = ListenIn(to.netns, to.address, port);
  size_t received = 0;
  std::thread reader([&] {
    int fd = accept(listener, nullptr, nullptr);
    std::vector<char> buffer(1 << 16);
    for (ssize_t n; (n = read(fd, buffer.data(), buffer.size())) > 0;) received += static_cast<size_t>(n);
    close(fd);
  });
  int fd = ConnectFrom(from.netns, to.address, port);
  EXPECT_GE(fd, 0);
  std::string payload(bytes, 'x');
  auto start = Clock::now();
  for (size_t sent = 0; fd >= 0 && sent < bytes;) {
    ssize_t n = write(fd, payload.data() + sent, bytes - sent);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  shutdown(fd, SHUT_WR);
  reader.join();
  close(fd);
  close(listener);
  EXPECT_EQ(received, bytes);
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(NetnsHostsTest, LinkRateBoundsABulkTransfer) {
  auto hosts = NetnsHosts::Create({.rate_mbit = 40});
  ASSERT_TRUE(hosts.ok()) << hosts.status().ToString();
  auto a = (*hosts)->AddHost("a");
  auto b = (*hosts)->AddHost("b");
  ASSERT_TRUE(a.ok() && b.ok());
  // 4 MB at 40 Mbit/s takes 0.8 s on the wire, whatever the machine's load (a busy machine only adds to it).
  double seconds = Transfer(*a, *b, 4u << 20);
  EXPECT_GE(seconds, 0.7);
  EXPECT_LT(seconds, 20);
}

TEST(NetnsHostsTest, DelayIsAddedWhereTheKernelHasNetemAndOtherwiseRefusedClearly) {
  auto hosts = NetnsHosts::Create({.delay_ms = 20});
  ASSERT_TRUE(hosts.ok()) << hosts.status().ToString();
  auto a = (*hosts)->AddHost("a");
  if (!a.ok()) {
    EXPECT_EQ(a.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(a.status().message().find("CONFIG_NET_SCH_NETEM"), std::string::npos) << a.status().message();
    return;
  }
  uint16_t port = 0;
  int listener = ListenIn(a->netns, a->address, port);
  // The SYN-ACK leaves host a through its shaped link: the handshake takes at least the delay.
  auto start = Clock::now();
  int fd = ConnectFrom("", a->address, port);
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  EXPECT_GE(fd, 0);
  EXPECT_GE(ms, 19);
  close(fd);
  close(listener);
}

}  // namespace
}  // namespace maestro::topology
