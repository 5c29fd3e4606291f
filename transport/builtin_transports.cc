#include "transport/builtin_transports.h"

#include "transport/grpc/grpc_transport.h"
#include "transport/inproc/inproc_transport.h"
#include "transport/rest/rest_transport.h"
#include "transport/thrift/thrift_transport.h"

namespace maestro {

void RegisterBuiltinTransports(std::map<std::string, TransportFactory>& factories) {
  factories["inproc"] = inproc::CreateTransport;
  factories["rest"] = rest::CreateTransport;
  factories["grpc"] = grpc_transport::CreateTransport;
  factories["thrift"] = thrift::CreateTransport;
}

}  // namespace maestro
