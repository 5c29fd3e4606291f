#include "transport/grpc/grpc_transport.h"

#include "transport/function_transport.h"
#include "transport/grpc/grpc_client.h"
#include "transport/grpc/grpc_server.h"

namespace maestro::grpc_transport {

std::unique_ptr<Transport> CreateTransport(const TransportOptions& options) {
  return MakeFunctionTransport({"grpc", ServeStt, ServeLlm, ServeTts, ConnectStt, ConnectLlm, ConnectTts}, options);
}

}  // namespace maestro::grpc_transport
