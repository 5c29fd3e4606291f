#include "common/http_url.h"

#include "common/parse_number.h"

namespace maestro {

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kHttp = "http://";
  constexpr std::string_view kHttps = "https://";
  HttpUrl parsed;
  parsed.https = url.starts_with(kHttps);
  if (!parsed.https && !url.starts_with(kHttp)) {
    return InvalidArgument("url must start with http:// or https:// (got '" + std::string(url) + "')");
  }
  if (parsed.https) parsed.port = 443;
  const std::string_view rest = url.substr(parsed.https ? kHttps.size() : kHttp.size());
  const auto path_at = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, path_at);
  if (path_at != std::string_view::npos) {
    parsed.target = std::string(rest.substr(path_at));
    if (parsed.target[0] == '?') parsed.target.insert(0, 1, '/');
  }
  if (authority.find('@') != std::string_view::npos) return InvalidArgument("url must not carry credentials");
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument("url has an unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return InvalidArgument("url has junk after the IPv6 literal");
      port = authority.substr(close + 2);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return InvalidArgument("url has no host");
  if (!port.empty()) {
    auto value = ParseNumber<uint16_t>(port);
    if (!value || *value == 0) return InvalidArgument("url has a bad port '" + std::string(port) + "'");
    parsed.port = *value;
  }
  for (char c : parsed.target) {
    if (c == ' ' || c == '\r' || c == '\n') return InvalidArgument("url path must be percent-encoded");
  }
  parsed.host = std::string(host);
  return parsed;
}

}  // namespace maestro
