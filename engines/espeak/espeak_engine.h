// The `espeak` TTS engine: eSpeak NG (libespeak-ng) speaking text into an in-memory 22050 Hz mono WAV.
// Options (all optional):
//   voice=en-us (default) | pt-br | any eSpeak NG voice, optionally with a variant such as en-us+f3
//   rate=175    speaking rate in words per minute, 80..450
//   max_text=4096  longest text accepted, in bytes
//   queue=64    requests allowed to wait for the synthesis thread before kOverloaded
// libespeak-ng keeps its state in process globals and crashes when two threads synthesize at once, so every
// `espeak` engine in a process shares one synthesis thread: requests queue for it and the caller never blocks.
#pragma once

#include <memory>

#include "engines/engine_registry.h"

namespace maestro::espeak {

inline constexpr int kSampleRate = 22050;

Result<std::unique_ptr<TextToSpeech>> CreateTextToSpeech(EngineOptions options);

void Register(EngineRegistry& registry);

}  // namespace maestro::espeak
