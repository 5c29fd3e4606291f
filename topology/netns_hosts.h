// NetnsHosts: several "hosts" on one machine. Each host is a Linux network namespace with one veth link to a bridge
// that lives in a switch namespace of its own; the root namespace joins the bridge too (the "client" address), so
// `maestro up` and the benchmark reach Maestro from where they run.
//
// The namespaces are a closed world: addresses from one /24 of 198.18.0.0/15 (RFC 2544), no default route, no NAT,
// no forwarding out of the bridge. Every name carries the creating process's pid: `CleanupNetns` removes what a dead
// process left behind (it runs before every Create and as `maestro netns cleanup`).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "topology/link_shape.h"

namespace maestro::topology {

struct NetnsHost {
  std::string name;     // "stt0", "maestro"
  std::string netns;    // "maestro-<pid>-<seq>-stt0"; the file /run/netns/<netns> enters it (setns)
  std::string address;  // "198.18.x.y"
};

class NetnsHosts {
 public:
  NetnsHosts(const NetnsHosts&) = delete;
  NetnsHosts& operator=(const NetnsHosts&) = delete;
  // Removes every namespace and link it created.
  ~NetnsHosts();

  // Checks privileges, removes leftovers of dead processes, then creates the switch, its bridge and the client link.
  // `link` shapes every host link added later (not the client's).
  // RETURNS kUnavailable with a clear reason (no CAP_NET_ADMIN/CAP_SYS_ADMIN, no iproute2, a failed command).
  static Result<std::unique_ptr<NetnsHosts>> Create(const LinkShape& link);

  // Adds a host named `name` (unique within this set) with its link shaped.
  // RETURNS the host, or kUnavailable (a command failed), kInvalidArgument (a duplicate name, or more than 250).
  // THREAD-SAFETY: not thread-safe.
  Result<NetnsHost> AddHost(const std::string& name);

  const std::string& client_address() const { return client_address_; }
  const std::vector<NetnsHost>& hosts() const { return hosts_; }
  const LinkShape& link() const { return link_; }
  // Every namespace this set owns, the switch first.
  std::vector<std::string> namespaces() const;

 private:
  NetnsHosts() = default;
  Status Build();

  LinkShape link_;
  std::string prefix_;  // "maestro-<pid>-<seq>-"
  std::string root_link_;
  std::string subnet_;  // "198.18.x." (a /24)
  std::string client_address_;
  bool switch_created_ = false;
  std::vector<NetnsHost> hosts_;
};

// The path that enters a namespace made by NetnsHosts: "/run/netns/<netns>".
std::string NetnsPath(const std::string& netns);

// RETURNS ok when this process may create namespaces (CAP_NET_ADMIN and CAP_SYS_ADMIN), else kUnavailable saying so.
Status CheckNetnsPrivileges();

struct NetnsCleanup {
  std::vector<std::string> removed;  // namespaces and links removed
  std::vector<std::string> in_use;   // namespaces of processes still running, left alone
};
// Removes Maestro's namespaces (and client links) whose creating process is gone.
// RETURNS what it did, or kUnavailable when a removal failed or privileges are missing.
Result<NetnsCleanup> CleanupNetns();

}  // namespace maestro::topology
