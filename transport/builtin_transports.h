// The protocols compiled into Maestro. Adding a protocol means adding a folder under transport/ and one
// line in builtin_transports.cc.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace maestro {

struct TransportOptions;
class Transport;
using TransportFactory = std::function<std::unique_ptr<Transport>(const TransportOptions&)>;

void RegisterBuiltinTransports(std::map<std::string, TransportFactory>& factories);

}  // namespace maestro
