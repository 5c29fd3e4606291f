// Reading the analyst's CSV files: lines and size limits here; fields with common/csv.h (SplitCsvLine).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/csv.h"
#include "common/status.h"

namespace maestro::analyst {

// RETURNS the lines of `text`, without "\n" or "\r\n" terminators.
std::vector<std::string_view> SplitLines(std::string_view text);

// RETURNS the whole file, or kNotFound / kPayloadTooLarge (over `max_bytes`).
Result<std::string> ReadFileLimited(const std::string& path, size_t max_bytes);

}  // namespace maestro::analyst
