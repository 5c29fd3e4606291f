// Stack: the whole assistant on one machine — the three services and Maestro as child processes of the
// `maestro` binary, on loopback or (topology "netns") each on a host of its own (topology/netns_hosts.h). Used by
// `maestro up`, `maestro demo` and the benchmark, which needs each process's pid to sample its CPU and memory.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "topology/link_shape.h"
#include "topology/netns_hosts.h"

namespace maestro {

struct StackOptions {
  std::string binary;  // the maestro executable; empty: /proc/self/exe
  std::string protocol = "rest";
  std::string stt_engine = "emulated";
  std::string llm_engine = "emulated";
  std::string tts_engine = "emulated";
  std::map<std::string, std::vector<std::string>> engine_options;  // by kind: {"stt": {"service_ms=10"}, ...}
  std::vector<std::string> transport_flags;  // passed to every process, e.g. {"--thrift-transport", "framed"}
  std::vector<std::string> maestro_flags;    // passed to `maestro serve` only, e.g. {"--max-inflight", "500"}
  std::string host = "127.0.0.1";            // loopback topology only
  uint16_t port = 7000;                      // Maestro's port; 0 picks a free one
  // "loopback": every process listens on `host`. "netns": each process runs in its own network namespace with its
  // own address, links shaped by `link` (needs CAP_NET_ADMIN; see topology/netns_hosts.h).
  std::string topology = "loopback";
  topology::LinkShape link;
  // Processes per service, e.g. {"stt", 3}: each replica gets its own host (netns) or port (loopback), and Maestro
  // balances over them (net/endpoint_balancer.h). Missing kinds run one. Replicas are named "stt0", "stt1", ...
  std::map<std::string, int> replicas;
  std::chrono::milliseconds start_timeout{60000};
  // Restart policy for children that die (Supervise): never (the stack is down, as for experiments) or
  // on-failure (the child is started again on its old port, after an exponential backoff).
  bool restart = false;
  std::chrono::milliseconds restart_backoff{200};       // the first restart's delay; doubles per restart
  std::chrono::milliseconds restart_backoff_max{5000};  // the cap on the delay
  // How long `Stop` lets Maestro answer or fail what is in flight before the services stop (its deadline
  // plus a margin); the services then get `Stop`'s own grace.
  std::chrono::milliseconds drain_timeout{8000};
  // A folder made by `maestro certs init` (tls/development_ca.h); set: TLS everywhere. Each service presents
  // DIR/<kind>.crt and requires a client certificate signed by DIR/ca.crt (mutual TLS); Maestro presents
  // DIR/maestro.crt to the services and on its HTTPS front door, where users need no certificate. The admin
  // ports (/metrics, health) speak TLS too. With the netns topology each process instead gets a certificate
  // issued at start from DIR's CA (DIR/ca.key) that also names its host's address, kept in a temporary folder
  // until Stop.
  std::string tls_certs;
};

struct StackProcess {
  std::string name;  // "stt", "llm", "tts", "maestro"
  pid_t pid = -1;
  std::string host;  // the address it listens on
  uint16_t port = 0;
  uint16_t admin_port = 0;  // where /metrics, /healthz and /readyz answer (the same as `port` for HTTP servers)
  int restarts = 0;         // how many times Supervise started it again
};

class Stack {
 public:
  Stack() = default;
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;
  // Stops every process still running.
  ~Stack();

  // Starts the services, then Maestro, and waits until Maestro answers /readyz.
  // RETURNS kUnavailable naming the process that failed to start (and stops the others).
  Status Start(const StackOptions& options);

  // Maestro's base URL, e.g. "http://127.0.0.1:7000" ("https://" with tls_certs).
  std::string url() const;
  const std::vector<StackProcess>& processes() const { return processes_; }

  // Checks for a child that exited. RETURNS kUnavailable naming it and its exit status, or ok.
  Status CheckChildren();
  // Reaps children that died and, under the on-failure policy, starts each again on its old ports once its
  // backoff has passed (logged by name), so Maestro's clients reconnect to the same address. Call it often.
  // RETURNS kUnavailable naming a child that died under the never policy or could not be restarted; ok else.
  Status Supervise();
  // Stops Maestro first (SIGTERM: it stops accepting and answers or fails what is in flight), waits up to
  // the drain timeout for it, then SIGTERMs the services, waits up to `grace`, and SIGKILLs what remains; then
  // removes the netns hosts, if any.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

  // The netns hosts (null with the loopback topology).
  const topology::NetnsHosts* hosts() const { return hosts_.get(); }

 private:
  struct Child {
    std::vector<std::string> args;  // with the ports it got pinned, so a restart listens where it did
    std::string netns;              // its network namespace ("" on loopback)
    std::chrono::steady_clock::time_point restart_at{};  // set while it waits for its backoff
    std::chrono::steady_clock::time_point started_at{};
    std::chrono::milliseconds backoff{0};
  };

  // Starts `binary_ args` listening on `host`, inside network namespace `netns` when it is not empty, and keeps
  // it for Supervise. RETURNS it, or kUnavailable.
  Result<StackProcess> Spawn(const std::string& name, std::vector<std::string> args, const std::string& host,
                             const std::string& netns);
  // Forks and execs one child (in `netns` when not empty) and waits for its ready line. RETURNS it, or
  // kUnavailable (the child reaped).
  Result<StackProcess> Launch(const std::string& name, const std::vector<std::string>& args, const std::string& host,
                              const std::string& netns);
  // RETURNS the address `name` listens on: host_ on loopback, a new netns host otherwise.
  Result<topology::NetnsHost> PlaceHost(const std::string& name);
  void TerminateAndWait(StackProcess& process, std::chrono::steady_clock::time_point until);

  std::string binary_;
  std::string host_;
  StackOptions options_;
  std::vector<StackProcess> processes_;
  std::vector<Child> children_;  // parallel to processes_
  std::unique_ptr<topology::NetnsHosts> hosts_;
  std::filesystem::path host_certs_;  // the netns hosts' certificates (tls_certs with netns); removed by Stop
};

// Services and `maestro serve` print this line on stdout once listening: "MAESTRO_READY <port> <admin port>".
inline constexpr const char* kReadyLinePrefix = "MAESTRO_READY ";

}  // namespace maestro
