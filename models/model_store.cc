#include "models/model_store.h"

#include <cstdlib>
#include <filesystem>

#include "models/sha256.h"

namespace maestro::models {

namespace fs = std::filesystem;

std::string ModelStore::DefaultDir() {
  if (const char* dir = std::getenv("MAESTRO_MODELS_DIR"); dir && *dir) return dir;
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache && *cache) return std::string(cache) + "/maestro/models";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.cache/maestro/models";
}

std::string ModelStore::FinalPath(const ModelSpec& spec) const {
  return (fs::path(dir_) / spec.file).string();
}

std::string ModelStore::StagingDir(const ModelSpec& spec) const {
  return (fs::path(dir_) / ".staging" / spec.name).string();
}

bool ModelStore::IsInstalled(const ModelSpec& spec) const {
  std::error_code error;
  auto size = fs::file_size(FinalPath(spec), error);
  return !error && size == spec.size;
}

Result<std::string> ModelStore::Path(const ModelSpec& spec) const {
  std::string path = FinalPath(spec);
  std::error_code error;
  auto size = fs::file_size(path, error);
  if (error) {
    return Status(StatusCode::kNotFound, "model '" + spec.name + "' is not installed (looked for " + path +
                                             "); run `maestro models fetch " + spec.name + "`");
  }
  if (size != spec.size) {
    return Status(StatusCode::kNotFound, "model '" + spec.name + "' at " + path + " has " + std::to_string(size) +
                                             " bytes, not " + std::to_string(spec.size) +
                                             "; run `maestro models fetch " + spec.name + "`");
  }
  return path;
}

Status ModelStore::Verify(const ModelSpec& spec) const {
  auto path = Path(spec);
  if (!path.ok()) return path.status();
  auto sha = Sha256File(*path);
  if (!sha.ok()) return sha.status();
  if (*sha != spec.sha256) {
    return Internal("model '" + spec.name + "' at " + *path + " is corrupt: sha256 " + *sha + ", the catalog expects " +
                    spec.sha256 + "; run `maestro models fetch " + spec.name + "` to replace it");
  }
  return Status::Ok();
}

Result<std::string> ResolveModel(const std::string& name_or_path, const Catalog& catalog, const ModelStore& store) {
  std::error_code error;
  if (name_or_path.find('/') != std::string::npos || fs::is_regular_file(name_or_path, error)) {
    if (fs::is_regular_file(name_or_path, error)) return name_or_path;
    return Status(StatusCode::kNotFound, "model file " + name_or_path + " does not exist");
  }
  auto spec = catalog.Find(name_or_path);
  if (!spec.ok()) return spec.status();
  return store.Path(*spec);
}

Result<std::string> ResolveModel(const std::string& name_or_path) {
  std::error_code error;
  if (name_or_path.find('/') != std::string::npos || fs::is_regular_file(name_or_path, error)) {
    return ResolveModel(name_or_path, Catalog(), ModelStore(""));
  }
  auto catalog = Catalog::LoadFile(Catalog::DefaultPath());
  if (!catalog.ok()) return catalog.status();
  return ResolveModel(name_or_path, *catalog, ModelStore(ModelStore::DefaultDir()));
}

}  // namespace maestro::models
