// The body of POST /ask: a typed question, the text entry to the pipeline.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace maestro {

// Parses an /ask body {"question": string}. RETURNS the question, or kInvalidArgument for anything else.
// THREAD-SAFETY: safe to call concurrently.
Result<std::string> ParseAskBody(std::string_view body);

}  // namespace maestro
