// The `piper` TTS engine: a Piper voice (a VITS network in ONNX, from the model store) run by ONNX Runtime, its
// text read into phonemes by eSpeak NG, in this process. The catalog's voice is en_US-joe-medium (English only:
// no Portuguese Piper voice is published on these registries).
// Options (all optional):
//   model=piper-en-us-joe  a catalog name (its `-config` entry is the .onnx.json) or a path to an .onnx file
//                          whose configuration is the same path plus ".json"
//   rate=1.0               relative speaking rate, 0.5..2.0
//   noise_scale, noise_w   the network's sampling noise, 0..2 (default: the voice's own, 0.667 and 0.8 for joe);
//                          with both 0 the same text always gives the same audio
//   speaker=0              speaker of a multi-speaker voice
//   threads=<cores>        ONNX Runtime threads for one sentence
//   queue=64               requests allowed to wait before kOverloaded
//   max_text=4096          longest text accepted, in bytes
// A request's voice must be empty or the voice's language ("en-us", "en"); any other is kInvalidArgument.
// One request is synthesised at a time, sentence by sentence; the deadline is checked between sentences.
#pragma once

#include <memory>

#include "engines/engine_registry.h"

namespace maestro::piper {

// RETURNS the engine, kInvalidArgument for bad options or a file that is not a Piper voice, kNotFound (naming
// `maestro models fetch`) when the voice is not in the model store.
Result<std::unique_ptr<TextToSpeech>> CreateTextToSpeech(EngineOptions options);

void Register(EngineRegistry& registry);

}  // namespace maestro::piper
