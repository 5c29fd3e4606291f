// maestro: one binary for the assistant's services, its orchestrator, and the experiment around them.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "apps/maestro/command_registry.h"
#include "common/large_buffers.h"

int main(int argc, char** argv) {
  maestro::KeepLargeBuffersInTheHeap();
  CLI::App app{
      "Maestro: a voice assistant for finance as STT, LLM and TTS microservices, and the experiment "
      "that measures how REST, gRPC and Thrift change its latency, throughput, CPU and memory."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "maestro 0.1.0");
  auto actions = maestro::cli::AddRegisteredCommands(app);
  CLI11_PARSE(app, argc, argv);
  for (auto& [subcommand, action] : actions) {
    if (subcommand->parsed() && action) return action();
  }
  return 0;
}
