// maestro: one binary for the assistant's services, its orchestrator, and the experiment around them.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "apps/maestro/command_registry.h"
#include "common/build_info.h"
#include "common/large_buffers.h"

int main(int argc, char** argv) {
  maestro::KeepLargeBuffersInTheHeap();
  CLI::App app{
      "Maestro: a voice assistant for finance as STT, LLM and TTS microservices, and the experiment "
      "that measures how REST, gRPC and Thrift change its latency, throughput, CPU and memory."};
  app.require_subcommand(1);
  // Every option's --help shows its default; subcommands inherit this (they are added below).
  app.option_defaults()->always_capture_default();
  const auto& build = maestro::GetBuildInfo();
  app.set_version_flag("--version", "maestro " + build.version + " (" + build.git_commit + ", " + build.build_type +
                                        ", " + build.compiler + ")");
  auto actions = maestro::cli::AddRegisteredCommands(app);
  CLI11_PARSE(app, argc, argv);
  for (auto& [subcommand, action] : actions) {
    if (subcommand->parsed() && action) return action();
  }
  return 0;
}
