// The --topology and --link-* flags of `maestro up` and `maestro bench`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "common/status.h"
#include "topology/link_shape.h"

namespace maestro::cli {

struct TopologyFlags {
  std::string topology = "loopback";
  std::string link_delay = "0ms";
  std::string link_jitter = "0ms";
  std::string link_rate;
  std::string link_loss = "0";
};

// Adds --topology, --link-delay, --link-jitter, --link-rate and --link-loss (with MAESTRO_* environment names).
void AddTopologyFlags(CLI::App& command, TopologyFlags& flags);

// RETURNS the link shape the flags describe, or kInvalidArgument (a malformed value, or shaping without netns).
Result<topology::LinkShape> LinkShapeFrom(const TopologyFlags& flags);

}  // namespace maestro::cli
