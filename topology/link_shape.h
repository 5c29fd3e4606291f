// LinkShape: what `tc` does to every host's link in the netns topology — delay, jitter, rate and loss — and
// the named profiles of `maestro bench --network`.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace maestro::topology {

struct LinkShape {
  // One-way delay added where a host sends; a request and its reply between two hosts cross two links, so their
  // round trip gains 2 × delay_ms.
  double delay_ms = 0;
  double jitter_ms = 0;     // +/- around delay_ms (netem's uniform jitter)
  double rate_mbit = 0;     // 0: unlimited
  double loss_percent = 0;  // random loss of each packet sent

  bool shaped() const { return delay_ms > 0 || jitter_ms > 0 || rate_mbit > 0 || loss_percent > 0; }
  bool needs_netem() const { return delay_ms > 0 || jitter_ms > 0 || loss_percent > 0; }
  // E.g. "delay 0.25 ms, rate 10000 Mbit/s" or "unshaped".
  std::string Describe() const;
};

// Parses "--link-delay" values: "10ms", "0.25ms", "250us", "1s". RETURNS kInvalidArgument for others.
Result<double> ParseMilliseconds(const std::string& text);
// Parses "--link-rate" values: "100mbit", "10gbit", "512kbit". RETURNS Mbit/s, or kInvalidArgument.
Result<double> ParseRateMbit(const std::string& text);
// Parses "--link-loss" values: "0.1%" or "0.1". RETURNS percent in [0, 100], or kInvalidArgument.
Result<double> ParseLossPercent(const std::string& text);

// The `tc` commands (argv lists, run inside the host's namespace with `tc -n NS`) that shape device `device` in
// namespace `netns`. Empty when unshaped. Rate alone uses tbf; delay, jitter or loss use netem (with its own rate).
std::vector<std::vector<std::string>> TcCommands(const LinkShape& shape, const std::string& netns,
                                                 const std::string& device);

// Named link profiles for `maestro bench --network`: "loopback" (no namespaces at all), "netns" (hosts, unshaped
// links), "lan", "metro", "wan". RETURNS kInvalidArgument naming the known ones.
struct NetworkProfile {
  std::string name;
  bool hosts = false;  // false: every process on loopback, as without --topology
  LinkShape link;
};
Result<NetworkProfile> FindNetworkProfile(const std::string& name);
std::vector<NetworkProfile> NetworkProfiles();

}  // namespace maestro::topology
