#include "topology/netns_hosts.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "topology/run_command.h"

namespace maestro::topology {
namespace {

constexpr const char* kNetnsDir = "/run/netns";
constexpr const char* kLockFile = "/run/maestro-netns.lock";
constexpr int kMaxHosts = 250;

// Maestro's namespaces: maestro-<pid>-<seq>-<host>; client links in the root namespace: m<pid>n<seq>.
const std::regex kNetnsName(R"(^maestro-(\d+)-(\d+)-[a-z0-9]+$)");
const std::regex kRootLink(R"(^m(\d+)n(\d+)$)");
// A line of `ip -o link show`: "7: m123n0@if2: <...>"; the name ends at '@' (a veth) or ':'.
// (Compiled once: libstdc++ compiling regexes on two threads races on its locale's narrow() cache.)
const std::regex kLinkLine(R"(^\d+: ([^:@]+)[@:])");

bool ProcessAlive(pid_t pid) {
  return kill(pid, 0) == 0 || errno == EPERM;
}

bool HasCapability(int bit) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) == 0) {
      unsigned long long caps = std::stoull(line.substr(7), nullptr, 16);
      return (caps >> bit) & 1ULL;
    }
  }
  return false;
}

// Serialises namespace bookkeeping between processes: two runs must not give the root namespace the same /24,
// nor both remove the same orphan.
class FileLock {
 public:
  FileLock() : fd_(open(kLockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ >= 0) flock(fd_, LOCK_EX);
  }
  ~FileLock() {
    if (fd_ >= 0) close(fd_);
  }

 private:
  int fd_;
};

Result<std::string> FreeSubnet() {
  auto addresses = RunCommand({"ip", "-4", "-o", "addr", "show"});
  if (!addresses.ok()) return addresses.status();
  std::set<int> used;
  std::regex in_range(R"(inet 198\.(18|19)\.(\d+)\.)");
  for (std::sregex_iterator it(addresses->begin(), addresses->end(), in_range), end; it != end; ++it) {
    used.insert((std::stoi((*it)[1]) - 18) * 256 + std::stoi((*it)[2]));
  }
  // Start from the pid so that concurrent runs rarely even look at the same subnets.
  int start = static_cast<int>(getpid() % 512);
  for (int i = 0; i < 512; ++i) {
    int index = (start + i) % 512;
    if (!used.count(index)) return "198." + std::to_string(18 + index / 256) + "." + std::to_string(index % 256) + ".";
  }
  return Unavailable("every /24 of 198.18.0.0/15 is in use in the root namespace");
}

std::vector<std::string> ListNetns() {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(kNetnsDir, error)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

}  // namespace

std::string NetnsPath(const std::string& netns) {
  return std::string(kNetnsDir) + "/" + netns;
}

Status CheckNetnsPrivileges() {
  constexpr int kCapSysAdmin = 21, kCapNetAdmin = 12;
  if (!HasCapability(kCapNetAdmin) || !HasCapability(kCapSysAdmin)) {
    return Unavailable(
        "--topology netns needs CAP_NET_ADMIN and CAP_SYS_ADMIN (run it as root): it creates network namespaces, "
        "veth links and a bridge with iproute2");
  }
  if (access("/usr/sbin/ip", X_OK) != 0 && access("/sbin/ip", X_OK) != 0) {
    return Unavailable("--topology netns needs iproute2's `ip` and `tc` (apt-get install iproute2)");
  }
  return Status::Ok();
}

Result<NetnsCleanup> CleanupNetns() {
  if (auto status = CheckNetnsPrivileges(); !status.ok()) return status;
  // Two processes starting at once would both see the same orphans, and the second's `delete` would fail.
  FileLock lock;
  NetnsCleanup report;
  std::smatch match;
  for (const auto& name : ListNetns()) {
    if (!std::regex_match(name, match, kNetnsName)) continue;
    if (ProcessAlive(static_cast<pid_t>(std::stol(match[1])))) {
      report.in_use.push_back(name);
      continue;
    }
    auto removed = RunCommand({"ip", "netns", "delete", name});
    if (!removed.ok() && std::filesystem::exists(NetnsPath(name))) return removed.status();
    if (removed.ok()) report.removed.push_back(name);
  }
  // A client link whose switch namespace is gone goes with it; one left by a crash between the two steps does not.
  auto links = RunCommand({"ip", "-o", "link", "show"});
  if (!links.ok()) return links.status();
  std::istringstream lines(*links);
  for (std::string line; std::getline(lines, line);) {
    if (!std::regex_search(line, match, kLinkLine)) continue;
    std::string link = match[1];
    if (!std::regex_match(link, match, kRootLink)) continue;
    if (ProcessAlive(static_cast<pid_t>(std::stol(match[1])))) continue;
    // The kernel destroys a dead namespace's veth peers asynchronously: the link may vanish after the listing.
    auto removed = RunCommand({"ip", "link", "delete", link});
    if (!removed.ok() && RunCommand({"ip", "link", "show", "dev", link}).ok()) return removed.status();
    if (removed.ok()) report.removed.push_back(link);
  }
  return report;
}

Result<std::unique_ptr<NetnsHosts>> NetnsHosts::Create(const LinkShape& link) {
  auto cleanup = CleanupNetns();
  if (!cleanup.ok()) return cleanup.status();
  for (const auto& name : cleanup->removed) spdlog::info("removed {}, left by a process that is gone", name);
  static std::atomic<int> sequence{0};
  std::unique_ptr<NetnsHosts> hosts(new NetnsHosts());
  hosts->link_ = link;
  int seq = sequence++;
  hosts->prefix_ = "maestro-" + std::to_string(getpid()) + "-" + std::to_string(seq) + "-";
  hosts->root_link_ = "m" + std::to_string(getpid()) + "n" + std::to_string(seq);
  if (auto status = hosts->Build(); !status.ok()) return status;
  return hosts;
}

Status NetnsHosts::Build() {
  std::string sw = prefix_ + "switch";
  if (auto made = RunCommand({"ip", "netns", "add", sw}); !made.ok()) return made.status();
  switch_created_ = true;
  for (std::vector<std::string> command : std::vector<std::vector<std::string>>{
           {"ip", "-n", sw, "link", "add", "br0", "type", "bridge"},
           {"ip", "-n", sw, "link", "set", "br0", "up"},
       }) {
    if (auto done = RunCommand(command); !done.ok()) return done.status();
  }
  FileLock lock;
  auto subnet = FreeSubnet();
  if (!subnet.ok()) return subnet.status();
  subnet_ = *subnet;
  client_address_ = subnet_ + "1";
  for (std::vector<std::string> command : std::vector<std::vector<std::string>>{
           {"ip", "link", "add", root_link_, "type", "veth", "peer", "name", "client", "netns", sw},
           {"ip", "-n", sw, "link", "set", "client", "master", "br0", "up"},
           {"ip", "addr", "add", client_address_ + "/24", "dev", root_link_},
           {"ip", "link", "set", root_link_, "up"},
       }) {
    if (auto done = RunCommand(command); !done.ok()) return done.status();
  }
  return Status::Ok();
}

Result<NetnsHost> NetnsHosts::AddHost(const std::string& name) {
  if (hosts_.size() >= kMaxHosts) return InvalidArgument("at most 250 hosts");
  for (const auto& host : hosts_) {
    if (host.name == name) return InvalidArgument("host " + name + " already exists");
  }
  NetnsHost host{name, prefix_ + name, subnet_ + std::to_string(hosts_.size() + 2)};
  std::string sw = prefix_ + "switch";
  std::string port = "p" + std::to_string(hosts_.size());
  if (auto made = RunCommand({"ip", "netns", "add", host.netns}); !made.ok()) return made.status();
  hosts_.push_back(host);
  std::vector<std::vector<std::string>> commands = {
      {"ip", "link", "add", port, "netns", sw, "type", "veth", "peer", "name", "eth0", "netns", host.netns},
      {"ip", "-n", sw, "link", "set", port, "master", "br0", "up"},
      {"ip", "-n", host.netns, "addr", "add", host.address + "/24", "dev", "eth0"},
      {"ip", "-n", host.netns, "link", "set", "eth0", "up"},
      {"ip", "-n", host.netns, "link", "set", "lo", "up"},
  };
  for (auto& command : TcCommands(link_, host.netns, "eth0")) commands.push_back(command);
  for (const auto& command : commands) {
    auto done = RunCommand(command);
    if (!done.ok()) {
      if (link_.needs_netem() && command[0] == "tc" &&
          done.status().message().find("qdisc kind is unknown") != std::string::npos) {
        return Unavailable(
            "this kernel has no netem queueing discipline (CONFIG_NET_SCH_NETEM), which --link-delay, "
            "--link-jitter and --link-loss need; --link-rate alone works with tbf");
      }
      return done.status();
    }
  }
  return host;
}

std::vector<std::string> NetnsHosts::namespaces() const {
  std::vector<std::string> names;
  if (switch_created_) names.push_back(prefix_ + "switch");
  for (const auto& host : hosts_) names.push_back(host.netns);
  return names;
}

NetnsHosts::~NetnsHosts() {
  // Hosts first, then the switch, whose deletion takes the client link with it.
  auto names = namespaces();
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    if (auto removed = RunCommand({"ip", "netns", "delete", *it}); !removed.ok()) {
      spdlog::warn("{}", removed.status().message());
    }
  }
  if (!root_link_.empty() && access(("/sys/class/net/" + root_link_).c_str(), F_OK) == 0) {
    if (auto removed = RunCommand({"ip", "link", "delete", root_link_}); !removed.ok()) {
      spdlog::debug("{}", removed.status().message());
    }
  }
}

}  // namespace maestro::topology
