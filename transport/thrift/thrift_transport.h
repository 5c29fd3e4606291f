// The Thrift transport: the thesis's .thrift services (thrift/), served by a threaded server and called
// through pooled blocking clients, in buffered or framed transport and binary or compact protocol.
#pragma once

#include <memory>

#include "transport/transport.h"

namespace maestro::thrift {

std::unique_ptr<Transport> CreateTransport(const TransportOptions& options);

}  // namespace maestro::thrift
