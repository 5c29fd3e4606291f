// Where the shipped data lives: $MAESTRO_DATA_DIR when set, else the source tree's data/ folder (compiled in), so
// a fresh clone works without installation.
#pragma once

#include <string>

namespace maestro::analyst {

std::string DefaultDataDir();

}  // namespace maestro::analyst
