#include "transport/thrift/thrift_transport.h"

#include "transport/function_transport.h"
#include "transport/thrift/thrift_client.h"
#include "transport/thrift/thrift_server.h"

namespace maestro::thrift {

std::unique_ptr<Transport> CreateTransport(const TransportOptions& options) {
  return MakeFunctionTransport({"thrift", ServeStt, ServeLlm, ServeTts, ConnectStt, ConnectLlm, ConnectTts}, options);
}

}  // namespace maestro::thrift
