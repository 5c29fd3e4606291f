// Paths the analyst tests read: the repository's data/ and the optional shared fixtures.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace maestro::analyst::testing {

inline std::string SourceDir() {
  const char* dir = std::getenv("MAESTRO_SOURCE_DIR");
  return dir ? dir : MAESTRO_TEST_SOURCE_DIR;
}

inline std::string KnowledgeDir() {
  return SourceDir() + "/data/knowledge";
}

// MAESTRO_SHARED_DATA, else <repo>/../shared/data; empty when absent.
inline std::string SharedStocksCsv() {
  const char* shared = std::getenv("MAESTRO_SHARED_DATA");
  std::string base = shared ? shared : SourceDir() + "/../shared/data";
  std::string path = base + "/stocks/prices_2024_daily.csv";
  return std::filesystem::exists(path) ? path : "";
}

}  // namespace maestro::analyst::testing
