// Checks a whisper.cpp ggml model file's structure before whisper.cpp loads it: whisper.cpp reads a truncated
// file without noticing and then aborts the process while building its graphs.
#pragma once

#include <string>

#include "common/status.h"

namespace maestro::whisper {

// Walks the file's header, mel filters, vocabulary and every tensor record. RETURNS OK when each record is whole
// and the file ends exactly after the last tensor; kInvalidArgument naming what is wrong otherwise (not a ggml
// Whisper file, truncated, an unknown tensor type, trailing bytes).
// THREAD-SAFETY: safe to call concurrently.
Status CheckModelFile(const std::string& path);

}  // namespace maestro::whisper
