#include "engines/analyst/data_dir.h"

#include <cstdlib>

#ifndef MAESTRO_SOURCE_DATA_DIR
#error "MAESTRO_SOURCE_DATA_DIR must name the source tree's data folder"
#endif

namespace maestro::analyst {

std::string DefaultDataDir() {
  if (const char* dir = std::getenv("MAESTRO_DATA_DIR"); dir && *dir) return dir;
  return MAESTRO_SOURCE_DATA_DIR;
}

}  // namespace maestro::analyst
