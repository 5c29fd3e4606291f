// The request bytes of a load run, serialised once for every send to the run's URL (common/http_url.h).
#pragma once

#include <cstdint>
#include <string>

#include "bench/load/load_config.h"
#include "common/http_url.h"

namespace maestro::bench {

// RETURNS the complete HTTP/1.1 request (head and body) that `config` describes, with Host, Content-Length,
// Connection: keep-alive and, for a multipart body, a boundary absent from the body.
std::string SerializeRequest(const LoadConfig& config, const HttpUrl& target);

}  // namespace maestro::bench
