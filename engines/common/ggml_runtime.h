// The ggml runtime shared by the whisper and llama engines: one ggml in the process, its CPU backend variant
// (AVX2, AVX-512, ...) chosen at run time from the libggml-cpu-*.so files, and its logging routed to ours.
#pragma once

#include <ggml.h>

#include "common/status.h"

namespace maestro {

// Loads ggml's backends once per process, from $MAESTRO_GGML_DIR or the directory the build linked against.
// RETURNS kUnavailable naming the directory when no CPU backend loads.
// THREAD-SAFETY: safe to call concurrently; only the first call does the work.
Status EnsureGgmlBackends();

// A ggml/whisper/llama log callback that keeps warnings and errors (in our log format) and drops the rest:
// those libraries log model loading line by line at info level.
void ForwardGgmlLog(ggml_log_level level, const char* text, void* user_data);

}  // namespace maestro
