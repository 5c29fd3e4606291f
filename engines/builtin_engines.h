// The list of engines Maestro offers. Adding an engine means adding a folder under engines/ and one line in
// builtin_engines.cc: a Register call for an engine linked into the binary, or a row of kModuleEngines for one
// built as a loadable module (engines/modules/).
#pragma once

namespace maestro {

class EngineRegistry;
void RegisterBuiltinEngines(EngineRegistry& registry);

}  // namespace maestro
