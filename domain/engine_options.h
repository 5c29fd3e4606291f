// EngineOptions: an engine's settings as text, the form they take on command lines, in config files and when the
// inproc transport builds an engine by name.
#pragma once

#include <map>
#include <string>

namespace maestro {

// Engine settings as key=value strings, e.g. {"voice": "pt-br", "rate": "160"}. Each engine documents its keys
// in its factory's description and rejects keys it does not know.
using EngineOptions = std::map<std::string, std::string>;

}  // namespace maestro
