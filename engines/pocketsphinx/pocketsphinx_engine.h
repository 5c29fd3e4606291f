// The `pocketsphinx` STT engine: CMU PocketSphinx (Debian's 5prealpha with the en-us acoustic model), decoding
// with a finance language model that the engine builds at start-up from the project's question corpus
// (data/stt/), and with Debian's general en-us model for speech outside the domain.
// Options (all optional):
//   model=auto     domain first; when the domain LM explains the words poorly (LM score per word below
//                  `fallback_below`), decode again with the general LM and keep that result.
//                  model=domain: finance LM only.  model=general: Debian's en-us LM only.
//   fallback_below=-250  LM score per word (pocketsphinx's log base 1.0001 units, <= 0) under which auto falls
//                  back; correctly recognised finance questions score above -230, real recordings of other speech
//                  below -265 (docs/engines.md)
//   workers=N      decoding threads, one decoder (or pair) each; default: the number of cores
//   queue=64       requests allowed to wait for a worker before kOverloaded
//   max_seconds=300, max_bytes=67108864  audio limits (kPayloadTooLarge above)
//   lw=6.5         language weight of the domain pass (pocketsphinx -lw; 0 keeps the default)
//   data_dir=...   where stt/finance_corpus.txt, stt/finance_eval.tsv and stt/extra.dict live
//                  (default $MAESTRO_DATA_DIR, else the source tree's data/)
#pragma once

#include <memory>

#include "engines/engine_registry.h"

namespace maestro::pocketsphinx {

Result<std::unique_ptr<SpeechToText>> CreateSpeechToText(EngineOptions options);

inline constexpr const char* kEngineName = "pocketsphinx";
inline constexpr const char* kEngineDescription =
    "CMU PocketSphinx en-US with a finance LM built from data/stt at start-up; options "
    "model=auto|domain|general, fallback_below=-250, workers=<cores>, queue=64, max_seconds=300, "
    "max_bytes, lw, data_dir";

// Registers the engine as kEngineName; the binary registers it from the module built by engines/modules/.
void Register(EngineRegistry& registry);

}  // namespace maestro::pocketsphinx
