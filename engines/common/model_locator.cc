#include "engines/common/model_locator.h"

#include <cstdlib>
#include <filesystem>

namespace maestro {
namespace {

std::filesystem::path ModelsDir() {
  if (const char* dir = std::getenv("MAESTRO_MODELS_DIR"); dir != nullptr && *dir != '\0') return dir;
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache != nullptr && *cache != '\0') {
    return std::filesystem::path(cache) / "maestro" / "models";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : "/") / ".cache" / "maestro" / "models";
}

}  // namespace

Result<std::string> LocateModel(const std::string& engine, const std::string& name_or_path) {
  std::error_code error;
  if (name_or_path.find('/') != std::string::npos) {
    if (std::filesystem::is_regular_file(name_or_path, error)) return name_or_path;
    return Status(StatusCode::kNotFound, engine + ": no model file at " + name_or_path);
  }
  for (const char* extension : {".bin", ".gguf"}) {
    auto candidate = ModelsDir() / (name_or_path + extension);
    if (std::filesystem::is_regular_file(candidate, error)) return candidate.string();
  }
  return Status(StatusCode::kNotFound, engine + ": the model '" + name_or_path + "' is not in " + ModelsDir().string() +
                                           "; get it with `maestro models fetch " + name_or_path + "`");
}

}  // namespace maestro
