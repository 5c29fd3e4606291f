#include "engines/common/model_locator.h"

#include "models/catalog.h"
#include "models/model_store.h"

namespace maestro {

Result<std::string> LocateModel(const std::string& engine, const std::string& name_or_path) {
  auto catalog = models::Catalog::LoadFile(models::Catalog::DefaultPath());
  if (!catalog.ok()) return Status(catalog.status().code(), engine + ": " + catalog.status().message());
  const models::ModelStore store(models::ModelStore::DefaultDir());
  auto path = models::ResolveModel(name_or_path, *catalog, store);
  if (!path.ok()) return Status(path.status().code(), engine + ": " + path.status().message());
  return path;
}

}  // namespace maestro
