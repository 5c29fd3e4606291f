// maestro-engine-rhvoice.so: the rhvoice TTS engine and RHVoice's libraries.
#include "engines/modules/engine_module.h"
#include "engines/rhvoice/rhvoice_engine.h"

void maestro::maestro_engine_module_register(EngineRegistry& registry) {
  rhvoice::Register(registry);
}
