#include <functional>
#include <map>

#include "transport/builtin_transports.h"
#include "transport/transport.h"

namespace maestro {
namespace {

std::map<std::string, TransportFactory>& Factories() {
  static std::map<std::string, TransportFactory>* factories = [] {
    auto* created = new std::map<std::string, TransportFactory>();
    RegisterBuiltinTransports(*created);
    return created;
  }();
  return *factories;
}

}  // namespace

Result<std::unique_ptr<Transport>> CreateTransport(const std::string& protocol, const TransportOptions& options) {
  auto it = Factories().find(protocol);
  if (it == Factories().end()) {
    std::string known;
    for (const auto& name : TransportNames()) known += (known.empty() ? "" : ", ") + name;
    return InvalidArgument("unknown protocol '" + protocol + "'; known: " + known);
  }
  return it->second(options);
}

std::vector<std::string> TransportNames() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : Factories()) names.push_back(name);
  return names;
}

}  // namespace maestro
