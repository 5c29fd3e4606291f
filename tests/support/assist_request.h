// The request every HTTP-level test sends to Maestro's /assist: one WAV as a multipart `file` field.
#pragma once

#include <string>

#include "net/http_types.h"

namespace maestro::testing {

// RETURNS a POST /assist (HTTP/1.1) carrying `wav` as the multipart field `file` (q.wav, audio/wav), with its
// Content-Type and Content-Length set. THREAD-SAFETY: pure.
net::HttpRequest AssistRequest(const std::string& wav);

}  // namespace maestro::testing
