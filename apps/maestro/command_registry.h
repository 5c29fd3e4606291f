// CommandRegistry: how each `maestro` subcommand joins the binary. A cmd_*.cc file defines a static
// RegisterCommand object; main() asks the registry to add every command to the CLI11 app.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace maestro::cli {

// Declares options on the subcommand `command`. RETURNS the action to run when the subcommand was chosen;
// the action's return value is the process exit code.
using CommandSetup = std::function<std::function<int()>(CLI::App& command)>;

struct RegisterCommand {
  RegisterCommand(std::string name, std::string description, CommandSetup setup);
};

// Adds every registered command to `app`, in name order. RETURNS each subcommand with its action.
std::vector<std::pair<CLI::App*, std::function<int()>>> AddRegisteredCommands(CLI::App& app);

}  // namespace maestro::cli
