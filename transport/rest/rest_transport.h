// The REST transport: the thesis's HTTP/JSON surface (openapi/maestro.yaml), served and called with Beast.
//   STT  POST /transcribe  multipart field `file`        -> {"text": ...}
//   LLM  POST /generate    JSON GenRequest fields        -> {"prompt": ..., "generated": ...}
//   TTS  POST /synthesize  JSON {"text": ...}            -> audio/wav
// The remaining time budget travels in the X-Maestro-Deadline-Ms header.
#pragma once

#include <memory>

#include "transport/transport.h"

namespace maestro::rest {

std::unique_ptr<Transport> CreateTransport(const TransportOptions& options);

}  // namespace maestro::rest
