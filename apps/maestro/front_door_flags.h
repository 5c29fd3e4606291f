// The flags of Maestro's front door that both `serve` (which uses them) and `up` (which hands them to the serve it
// starts) take, declared once so that the two commands spell, default and check them the same way.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace maestro::cli {

struct FrontDoorFlags {
  int max_inflight = 16;
  int max_queued = 4096;
  std::chrono::milliseconds timeout{6000};
  std::string cache = "off";
  std::string api_keys;
  double rate_limit = 0;
  bool log_content = false;
};

// Adds --max-inflight, --max-queued, --timeout, --cache, --api-keys, --rate-limit and --log-content (with their
// MAESTRO_* variables) to `command`. REQUIRES: `flags` outlives the parse.
void AddFrontDoorFlags(CLI::App& command, FrontDoorFlags& flags);

// RETURNS `flags` as `serve` arguments that AddFrontDoorFlags reads back to the same values.
std::vector<std::string> FrontDoorFlagsAsArgs(const FrontDoorFlags& flags);

}  // namespace maestro::cli
