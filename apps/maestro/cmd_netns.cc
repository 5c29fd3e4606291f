// `maestro netns cleanup`: removes the network namespaces and links that a `maestro up|bench --topology netns`
// left behind when it was killed outright (they are removed on every normal exit and Ctrl-C).
#include <iostream>

#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"
#include "topology/netns_hosts.h"

namespace maestro::cli {
namespace {

RegisterCommand netns_command(
    "netns", "Manage the network-namespace hosts of --topology netns (`maestro netns cleanup`)",
    [](CLI::App& command) -> std::function<int()> {
      command.require_subcommand(1);
      auto* cleanup = command.add_subcommand(
          "cleanup", "Remove the namespaces and links left by maestro processes that are gone (needs root)");
      return [cleanup] {
        if (!cleanup->parsed()) return 2;
        auto report = topology::CleanupNetns();
        if (!report.ok()) return Fail("netns cleanup", report.status().message());
        for (const auto& name : report->removed) std::cout << "removed " << name << "\n";
        for (const auto& name : report->in_use) std::cout << "kept " << name << " (its maestro process is running)\n";
        std::cout << report->removed.size() << " removed, " << report->in_use.size() << " in use" << std::endl;
        return 0;
      };
    });

}  // namespace
}  // namespace maestro::cli
