// The list of engines compiled into Maestro. Adding an engine means adding a folder under engines/ and one
// line in builtin_engines.cc.
#pragma once

namespace maestro {

class EngineRegistry;
void RegisterBuiltinEngines(EngineRegistry& registry);

}  // namespace maestro
