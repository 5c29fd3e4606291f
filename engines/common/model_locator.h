// Finds the file of a model an engine was asked for: a catalog name (`maestro models list`) or a path.
#pragma once

#include <string>

#include "common/status.h"

namespace maestro {

// RETURNS the path of the model file for `name_or_path`. A value containing '/' is a path and must name a
// readable file; anything else is a catalog name looked up in the model store. kNotFound says what is missing
// and the `maestro models fetch` command that gets it; `engine` names the asking engine in that message.
// THREAD-SAFETY: safe to call concurrently.
Result<std::string> LocateModel(const std::string& engine, const std::string& name_or_path);

}  // namespace maestro
