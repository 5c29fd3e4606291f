// maestro-engine-pocketsphinx.so: the pocketsphinx STT engine, with sphinxbase and the BLAS/LAPACK it links.
#include "engines/modules/engine_module.h"
#include "engines/pocketsphinx/pocketsphinx_engine.h"

void maestro::maestro_engine_module_register(EngineRegistry& registry) {
  pocketsphinx::Register(registry);
}
