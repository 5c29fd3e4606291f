// Structured logging: one JSON object per line on stderr, so logs from several processes can be merged.
// Transcripts and answers are user data: log them at debug level only.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace maestro {

// Configures the default logger for a process named `component` ("maestro", "stt", ...).
// `level` is a spdlog level name ("debug", "info", "warn", ...); MAESTRO_LOG_LEVEL overrides it.
void InitLogging(const std::string& component, const std::string& level = "info");

}  // namespace maestro
