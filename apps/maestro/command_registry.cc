#include "apps/maestro/command_registry.h"

#include <map>

namespace maestro::cli {
namespace {

struct Entry {
  std::string description;
  CommandSetup setup;
};

std::map<std::string, Entry>& Registry() {
  static std::map<std::string, Entry> registry;
  return registry;
}

}  // namespace

RegisterCommand::RegisterCommand(std::string name, std::string description, CommandSetup setup) {
  Registry().emplace(std::move(name), Entry{std::move(description), std::move(setup)});
}

std::vector<std::pair<CLI::App*, std::function<int()>>> AddRegisteredCommands(CLI::App& app) {
  std::vector<std::pair<CLI::App*, std::function<int()>>> actions;
  for (auto& [name, entry] : Registry()) {
    CLI::App* command = app.add_subcommand(name, entry.description);
    actions.emplace_back(command, entry.setup(*command));
  }
  return actions;
}

}  // namespace maestro::cli
