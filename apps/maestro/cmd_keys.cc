// `maestro keys add FILE`: makes an API key for Maestro's front door, stores only its hash in FILE, and prints
// the key alone on its last line (it is shown once; lose it and make another).
#include <iostream>

#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"
#include "orchestrator/api_keys.h"

namespace maestro::cli {
namespace {

struct KeysFlags {
  std::string file;
  std::string name = "key";
};

RegisterCommand keys_command(
    "keys", "Manage API keys for `maestro serve --api-keys FILE`", [](CLI::App& command) -> std::function<int()> {
      auto flags = std::make_shared<KeysFlags>();
      command.require_subcommand(1);
      auto* add = command.add_subcommand("add", "Make a key, append its SHA-256 hash to FILE, print the key");
      add->add_option("FILE", flags->file, "The key file (created with mode 0600)")->required();
      add->add_option("--name", flags->name, "A label for the key, shown in Maestro's view of the caller");
      return [flags] {
        auto key = ApiKeys::Add(flags->file, flags->name);
        if (!key.ok()) return Fail("keys", key.status().message());
        std::cerr << "Added key '" << flags->name << "' to " << flags->file
                  << " (only its hash is stored; this is the only time the key is shown):" << std::endl;
        std::cout << *key << std::endl;
        return 0;
      };
    });

}  // namespace
}  // namespace maestro::cli
