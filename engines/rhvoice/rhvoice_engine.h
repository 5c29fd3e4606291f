// The `rhvoice` TTS engine: RHVoice (Debian non-free), a statistical parametric voice that speaks Brazilian
// Portuguese (Letícia-F123) and English (SLT, Alan, BDL, CLB) in this process.
// Options (all optional):
//   voice=en-us         default voice: pt-br (Letícia-F123), en-us (SLT), or any RHVoice profile such as Alan
//   rate=1.0            relative speaking rate, 0.5..2.0
//   workers=1           syntheses at once; each worker owns its own RHVoice engine (tests/engines/rhvoice shows
//                       separate engines on separate threads produce the same audio as one engine alone)
//   queue=64            requests allowed to wait for a worker before kOverloaded
//   max_text=4096       longest text accepted, in bytes
//   data_dir=/usr/share/RHVoice, config_dir=/etc/RHVoice
#pragma once

#include <memory>

#include "engines/engine_registry.h"

namespace maestro::rhvoice {

// RETURNS the engine, kInvalidArgument for bad options or an unknown default voice, kUnavailable when RHVoice
// cannot start (its data is missing).
Result<std::unique_ptr<TextToSpeech>> CreateTextToSpeech(EngineOptions options);

void Register(EngineRegistry& registry);

}  // namespace maestro::rhvoice
