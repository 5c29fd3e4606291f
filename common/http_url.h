// HttpUrl: an http:// or https:// URL split into what a client needs to connect and to send a request line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace maestro {

struct HttpUrl {
  std::string host;    // a name, an IPv4 address, or an IPv6 address without brackets
  uint16_t port = 80;  // 443 for https without a port
  bool https = false;
  std::string target = "/";  // origin-form request target, with its query
};

// Parses http[s]://host[:port][/path][?query]. RETURNS kInvalidArgument for other schemes,
// credentials, a missing host, a port outside 1..65535, or a path that is not percent-encoded.
// THREAD-SAFETY: pure.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

}  // namespace maestro
