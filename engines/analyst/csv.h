// Minimal RFC 4180 field splitting for the analyst's CSV files (quoted fields, doubled quotes, no embedded
// newlines).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace maestro::analyst {

// RETURNS the fields of one CSV line (without its line break), or kInvalidArgument for an unterminated quote.
Result<std::vector<std::string>> SplitCsvLine(std::string_view line);

// RETURNS the lines of `text`, without "\n" or "\r\n" terminators.
std::vector<std::string_view> SplitLines(std::string_view text);

// RETURNS the whole file, or kNotFound / kPayloadTooLarge (over `max_bytes`).
Result<std::string> ReadFileLimited(const std::string& path, size_t max_bytes);

}  // namespace maestro::analyst
