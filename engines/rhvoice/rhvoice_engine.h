// The `rhvoice` TTS engine: RHVoice (Debian non-free), a statistical parametric voice that speaks Brazilian
// Portuguese (Letícia-F123) and English (SLT, Alan, BDL, CLB) in this process.
// Options (all optional):
//   voice=en-us         default voice: pt-br (Letícia-F123), en-us (SLT), or any RHVoice profile such as Alan
//   rate=1.0            relative speaking rate, 0.5..2.0
//   queue=64            requests allowed to wait before kOverloaded
// One synthesis runs at a time in the whole process: RHVoice 1.8 shares state between its engines, so two engines
// on two threads sometimes speak nothing or different audio (measured: 7 of 30 runs of two parallel engines
// diverged). At a real-time factor near 0.05 one thread speaks about 20 seconds of audio per second.
//   max_text=4096       longest text accepted, in bytes
//   data_dir=/usr/share/RHVoice, config_dir=/etc/RHVoice
#pragma once

#include <memory>

#include "engines/engine_registry.h"

namespace maestro::rhvoice {

// RETURNS the engine, kInvalidArgument for bad options or an unknown default voice, kUnavailable when RHVoice
// cannot start (its data is missing).
Result<std::unique_ptr<TextToSpeech>> CreateTextToSpeech(EngineOptions options);

inline constexpr const char* kEngineName = "rhvoice";
inline constexpr const char* kEngineDescription =
    "RHVoice, embedded: pt-BR (Letícia-F123) and English (SLT, Alan, BDL, CLB); options "
    "voice=en-us|pt-br|<profile>, rate=1.0, queue=64, max_text=4096, data_dir, "
    "config_dir";

// Registers the engine as kEngineName; the binary registers it from the module built by engines/modules/.
void Register(EngineRegistry& registry);

}  // namespace maestro::rhvoice
