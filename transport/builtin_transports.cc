#include "transport/builtin_transports.h"

#include "transport/inproc/inproc_transport.h"
#include "transport/rest/rest_transport.h"

namespace maestro {

void RegisterBuiltinTransports(std::map<std::string, TransportFactory>& factories) {
  factories["inproc"] = inproc::CreateTransport;
  factories["rest"] = rest::CreateTransport;
}

}  // namespace maestro
