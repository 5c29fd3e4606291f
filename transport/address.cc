#include "transport/transport.h"

namespace maestro {

Result<std::pair<std::string, uint16_t>> SplitHostPort(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size()) {
    return InvalidArgument("address '" + address + "' is not host:port");
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  long port = 0;
  for (char c : address.substr(colon + 1)) {
    if (c < '0' || c > '9') return InvalidArgument("address '" + address + "' has a non-numeric port");
    port = port * 10 + (c - '0');
    if (port > 65535) return InvalidArgument("address '" + address + "' has a port above 65535");
  }
  if (host.empty()) host = "127.0.0.1";
  return std::make_pair(host, static_cast<uint16_t>(port));
}

}  // namespace maestro
