// The gRPC transport: the thesis's .proto services (proto/), served with gRPC's callback API and called
// with its async client API over a few shared HTTP/2 channels.
#pragma once

#include <memory>

#include "transport/transport.h"

namespace maestro::grpc_transport {

std::unique_ptr<Transport> CreateTransport(const TransportOptions& options);

}  // namespace maestro::grpc_transport
