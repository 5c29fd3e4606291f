// HttpTarget: the parsed URL of a load run and the request bytes serialised once for every send.
#pragma once

#include <cstdint>
#include <string>

#include "bench/load/load_config.h"
#include "common/status.h"

namespace maestro::bench {

struct HttpTarget {
  std::string host;
  uint16_t port = 80;
  std::string path = "/";  // origin-form request target, with query
};

// Parses http://host[:port][/path]. RETURNS InvalidArgument for other schemes (https is not supported) or a bad
// host/port.
Result<HttpTarget> ParseHttpUrl(const std::string& url);

// RETURNS the complete HTTP/1.1 request (head and body) that `config` describes, with Host, Content-Length,
// Connection: keep-alive and, for a multipart body, a boundary absent from the body.
std::string SerializeRequest(const LoadConfig& config, const HttpTarget& target);

}  // namespace maestro::bench
