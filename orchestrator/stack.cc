#include "orchestrator/stack.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "domain/service_kind.h"
#include "net/http_client.h"
#include "net/tls_context.h"
#include "tls/development_ca.h"

namespace maestro {
namespace {

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return "stopped";
}

struct ReadyPorts {
  uint16_t port = 0;
  uint16_t admin_port = 0;
};

// Reads the child's stdout until the ready line, the child's exit, or the timeout.
Result<ReadyPorts> WaitForReadyLine(int fd, pid_t pid, const std::string& name, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  std::string seen;
  char chunk[512];
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, 100);
    if (ready > 0) {
      ssize_t n = read(fd, chunk, sizeof(chunk));
      if (n > 0) {
        seen.append(chunk, static_cast<size_t>(n));
        auto at = seen.find(kReadyLinePrefix);
        if (at != std::string::npos && seen.find('\n', at) != std::string::npos) {
          unsigned port = 0, admin_port = 0;
          std::sscanf(seen.c_str() + at + std::strlen(kReadyLinePrefix), "%u %u", &port, &admin_port);
          return ReadyPorts{static_cast<uint16_t>(port), static_cast<uint16_t>(admin_port ? admin_port : port)};
        }
        if (seen.size() > 65536) seen.erase(0, seen.size() - 1024);
        continue;
      }
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return Unavailable(name + " " + DescribeExit(status) + " before it was ready (see its log above)");
    }
  }
  return Unavailable(name + " was not ready within " + std::to_string(timeout.count()) + " ms");
}

}  // namespace

Stack::~Stack() {
  Stop();
}

Result<StackProcess> Stack::Launch(const std::string& name, const std::vector<std::string>& args,
                                   const std::string& host, const std::string& netns) {
  int netns_fd = -1;
  if (!netns.empty()) {
    netns_fd = open(topology::NetnsPath(netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (netns_fd < 0) return Unavailable("cannot open network namespace " + netns + ": " + strerror(errno));
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    if (netns_fd >= 0) close(netns_fd);
    return Unavailable(std::string("pipe: ") + strerror(errno));
  }
  std::vector<std::string> owned = args;
  std::vector<char*> argv;
  argv.push_back(binary_.data());
  for (auto& arg : owned) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    if (netns_fd >= 0) close(netns_fd);
    return Unavailable(std::string("fork: ") + strerror(errno));
  }
  if (pid == 0) {
    // A child must not outlive its supervisor, even when the supervisor is killed outright.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    // Its own process group: a terminal's Ctrl-C reaches the supervisor, which stops the children in order.
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    // The child becomes a host of its own: every socket it opens lives in that namespace.
    if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) != 0) _exit(126);
    dup2(pipe_fds[1], STDOUT_FILENO);
    execv(binary_.c_str(), argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  if (netns_fd >= 0) close(netns_fd);
  auto port = WaitForReadyLine(pipe_fds[0], pid, name, options_.start_timeout);
  close(pipe_fds[0]);
  if (!port.ok()) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return port.status();
  }
  return StackProcess{name, pid, host, port->port, port->admin_port};
}

Result<StackProcess> Stack::Spawn(const std::string& name, std::vector<std::string> args, const std::string& host,
                                  const std::string& netns) {
  auto process = Launch(name, args, host, netns);
  if (!process.ok()) return process.status();
  // Pin the ports it got, so a restart listens where Maestro (or the user) already points.
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--listen") args[i + 1] = host + ":" + std::to_string(process->port);
    if (args[i] == "--admin") args[i + 1] = host + ":" + std::to_string(process->admin_port);
  }
  processes_.push_back(*process);
  children_.push_back(
      Child{std::move(args), netns, {}, std::chrono::steady_clock::now(), std::chrono::milliseconds(0)});
  return processes_.back();
}

Result<topology::NetnsHost> Stack::PlaceHost(const std::string& name) {
  if (!hosts_) return topology::NetnsHost{name, "", host_};
  return hosts_->AddHost(name);
}

Status Stack::Start(const StackOptions& options) {
  binary_ = options.binary.empty() ? "/proc/self/exe" : options.binary;
  host_ = options.host;
  options_ = options;
  if (options.topology == "netns") {
    auto hosts = topology::NetnsHosts::Create(options.link);
    if (!hosts.ok()) return hosts.status();
    hosts_ = std::move(hosts).value();
  } else if (options.topology != "loopback") {
    return InvalidArgument("unknown topology '" + options.topology + "' (loopback or netns)");
  }
  // Appends `flag option` for each engine option of `kind`.
  auto add_engine_options = [&](std::vector<std::string>& args, const std::string& kind, const std::string& flag) {
    auto it = options.engine_options.find(kind);
    if (it == options.engine_options.end()) return;
    for (const auto& option : it->second) {
      args.push_back(flag);
      args.push_back(option);
    }
  };
  // `name`'s certificate, key and the CA under tls_certs, as flags. A netns host's certificate must also name the
  // address it is reached at, so it is issued now from the development CA.
  if (!options.tls_certs.empty() && hosts_) {
    char folder[] = "/tmp/maestro-certs-XXXXXX";
    if (mkdtemp(folder) == nullptr) {
      Stop();
      return Unavailable(std::string("cannot make a certificate folder: ") + strerror(errno));
    }
    host_certs_ = folder;
  }
  auto add_tls = [&](std::vector<std::string>& args, const std::string& name, const std::string& address) -> Status {
    if (options.tls_certs.empty()) return Status::Ok();
    std::string dir = options.tls_certs + "/";
    if (!host_certs_.empty()) {
      auto issued = tls::IssueFromDevelopmentCa(options.tls_certs, name, {address}, host_certs_, 30);
      if (!issued.ok()) return issued.status();
      dir = host_certs_.string() + "/";
    }
    args.insert(args.end(), {"--tls-cert", dir + name + ".crt", "--tls-key", dir + name + ".key", "--tls-ca",
                             options.tls_certs + "/ca.crt"});
    return Status::Ok();
  };
  auto maestro_host = PlaceHost("maestro");
  if (!maestro_host.ok()) {
    Stop();
    return maestro_host.status();
  }
  std::vector<std::string> serve = {"serve", "--protocol", options.protocol, "--listen",
                                    maestro_host->address + ":" + std::to_string(options.port)};
  if (options.protocol == "inproc") {
    serve.insert(serve.end(), {"--stt", options.stt_engine, "--llm", options.llm_engine, "--tts", options.tts_engine});
    for (ServiceKind service : kServiceKinds) {
      const std::string kind = ServiceKindName(service);
      add_engine_options(serve, kind, "--" + kind + "-opt");
    }
  } else {
    const std::map<std::string, std::string> engines = {
        {"stt", options.stt_engine}, {"llm", options.llm_engine}, {"tts", options.tts_engine}};
    for (ServiceKind service : kServiceKinds) {
      const std::string kind = ServiceKindName(service);
      auto wanted = options.replicas.find(kind);
      int replicas = wanted == options.replicas.end() ? 1 : wanted->second;
      if (replicas < 1 || replicas > 64) {
        Stop();
        return InvalidArgument(std::string("replicas of ") + kind + " must be 1..64");
      }
      std::string addresses;
      for (int replica = 0; replica < replicas; ++replica) {
        std::string name = replicas == 1 ? kind : kind + std::to_string(replica);
        auto host = PlaceHost(name);
        if (!host.ok()) {
          Stop();
          return host.status();
        }
        std::vector<std::string> args = {
            kind, "--protocol", options.protocol, "--listen", host->address + ":0", "--engine", engines.at(kind)};
        add_engine_options(args, kind, "--engine-opt");
        // gRPC and Thrift ports speak only their protocol; /metrics and the health routes get their own port.
        if (options.protocol != "rest") args.insert(args.end(), {"--admin", host->address + ":0"});
        args.insert(args.end(), options.transport_flags.begin(), options.transport_flags.end());
        // Loopback replicas share their kind's certificate; netns hosts each get one naming their address.
        if (auto status = add_tls(args, hosts_ ? name : kind, host->address); !status.ok()) {
          Stop();
          return status;
        }
        auto process = Spawn(name, args, host->address, host->netns);
        if (!process.ok()) {
          Stop();
          return process.status();
        }
        addresses += (addresses.empty() ? "" : ",") + host->address + ":" + std::to_string(process->port);
      }
      serve.push_back("--" + kind);
      serve.push_back(addresses);
    }
  }
  serve.insert(serve.end(), options.transport_flags.begin(), options.transport_flags.end());
  serve.insert(serve.end(), options.maestro_flags.begin(), options.maestro_flags.end());
  if (auto status = add_tls(serve, "maestro", maestro_host->address); !status.ok()) {
    Stop();
    return status;
  }
  auto maestro = Spawn("maestro", serve, maestro_host->address, maestro_host->netns);
  if (!maestro.ok()) {
    Stop();
    return maestro.status();
  }
  // /readyz answers on the admin port when Maestro has one (serve --admin), else on its public port; under
  // tls_certs both speak HTTPS, unless the admin port was asked for in plaintext.
  net::HttpClientOptions probe{.max_connections = 1};
  const bool admin_plaintext =
      maestro->admin_port != maestro->port && std::find(options.maestro_flags.begin(), options.maestro_flags.end(),
                                                        "--admin-plaintext") != options.maestro_flags.end();
  if (!options.tls_certs.empty() && !admin_plaintext) {
    auto context = net::MakeTlsContext({.ca_file = options.tls_certs + "/ca.crt"}, tls::TlsRole::kClient);
    if (!context.ok()) {
      Stop();
      return context.status();
    }
    probe.tls = std::move(context).value();
  }
  net::HttpClient client(maestro->host, maestro->admin_port, probe);
  auto until = std::chrono::steady_clock::now() + options_.start_timeout;
  while (std::chrono::steady_clock::now() < until) {
    net::HttpRequest request{net::http::verb::get, "/readyz", 11};
    auto response = client.SendBlocking(request, Deadline::In(std::chrono::milliseconds(1000)));
    if (response.ok() && response->result_int() == 200) return Status::Ok();
    if (auto status = CheckChildren(); !status.ok()) {
      Stop();
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Stop();
  return Unavailable("maestro did not become ready");
}

std::string Stack::url() const {
  for (const auto& process : processes_) {
    if (process.name == "maestro") {
      return (options_.tls_certs.empty() ? "http://" : "https://") + process.host + ":" + std::to_string(process.port);
    }
  }
  return {};
}

Status Stack::CheckChildren() {
  for (auto& process : processes_) {
    if (process.pid <= 0) continue;
    int status = 0;
    if (waitpid(process.pid, &status, WNOHANG) == process.pid) {
      process.pid = -1;
      return Unavailable(process.name + " " + DescribeExit(status));
    }
  }
  return Status::Ok();
}

Status Stack::Supervise() {
  using Clock = std::chrono::steady_clock;
  // A child that stayed up this long starts again from the first backoff when it dies.
  constexpr auto kStableRun = std::chrono::seconds(10);
  for (size_t i = 0; i < processes_.size(); ++i) {
    StackProcess& process = processes_[i];
    Child& child = children_[i];
    const auto now = Clock::now();
    if (process.pid > 0) {
      int status = 0;
      if (waitpid(process.pid, &status, WNOHANG) != process.pid) continue;
      const pid_t dead = process.pid;
      process.pid = -1;
      if (!options_.restart) return Unavailable(process.name + " " + DescribeExit(status));
      if (now - child.started_at >= kStableRun) child.backoff = std::chrono::milliseconds(0);
      child.backoff = child.backoff.count() == 0 ? options_.restart_backoff
                                                 : std::min(child.backoff * 2, options_.restart_backoff_max);
      child.restart_at = now + child.backoff;
      spdlog::warn("{} (pid {}) {}; restarting it in {} ms", process.name, dead, DescribeExit(status),
                   child.backoff.count());
      continue;
    }
    if (!options_.restart || now < child.restart_at) continue;
    auto launched = Launch(process.name, child.args, process.host, child.netns);
    if (!launched.ok()) {
      child.backoff = std::min(child.backoff * 2, options_.restart_backoff_max);
      child.restart_at = Clock::now() + child.backoff;
      spdlog::warn("{} did not restart ({}); trying again in {} ms", process.name, launched.status().message(),
                   child.backoff.count());
      continue;
    }
    process.pid = launched->pid;
    ++process.restarts;
    child.started_at = Clock::now();
    spdlog::warn("{} restarted: pid {}, port {} (restart {})", process.name, process.pid, process.port,
                 process.restarts);
  }
  return Status::Ok();
}

void Stack::TerminateAndWait(StackProcess& process, std::chrono::steady_clock::time_point until) {
  while (process.pid > 0) {
    int status = 0;
    pid_t done = waitpid(process.pid, &status, WNOHANG);
    if (done == process.pid || (done < 0 && errno == ECHILD)) {
      process.pid = -1;
      return;
    }
    if (std::chrono::steady_clock::now() >= until) {
      spdlog::warn("{} (pid {}) ignored SIGTERM; killing it", process.name, process.pid);
      kill(process.pid, SIGKILL);
      waitpid(process.pid, &status, 0);
      process.pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void Stack::Stop(std::chrono::milliseconds grace) {
  // Maestro first, and alone: it answers or fails what is in flight while the services still serve it.
  for (auto& process : processes_) {
    if (process.name != "maestro" || process.pid <= 0) continue;
    kill(process.pid, SIGTERM);
    TerminateAndWait(process, std::chrono::steady_clock::now() + options_.drain_timeout);
  }
  for (auto& process : processes_) {
    if (process.pid > 0) kill(process.pid, SIGTERM);
  }
  const auto until = std::chrono::steady_clock::now() + grace;
  for (auto& process : processes_) TerminateAndWait(process, until);
  processes_.clear();
  children_.clear();
  hosts_.reset();
  if (!host_certs_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(host_certs_, ignored);
    host_certs_.clear();
  }
}

}  // namespace maestro
