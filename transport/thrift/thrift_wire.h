// The Thrift wire format Maestro speaks: buffered (the thesis's default) or framed transport, binary or
// compact protocol, with every size limit taken from TransportOptions.max_message_bytes. Server and client
// build their transports and protocols here, so both ends always agree.
#pragma once

#include <thrift/TConfiguration.h>
#include <thrift/protocol/TProtocol.h>
#include <thrift/transport/TTransport.h>

#include <memory>
#include <string>

#include "transport/transport.h"

namespace maestro::thrift {

struct WireFormat {
  bool framed = false;   // false: TBufferedTransport
  bool compact = false;  // false: TBinaryProtocol
  size_t max_message_bytes = 0;
};

// RETURNS the format named by options.thrift_transport / thrift_protocol, or kInvalidArgument naming the
// accepted values.
Result<WireFormat> ParseWireFormat(const TransportOptions& options);

// Wraps a connected socket in the format's transport, with its size limits.
std::shared_ptr<apache::thrift::transport::TTransport> WrapSocket(
    std::shared_ptr<apache::thrift::transport::TTransport> socket, const WireFormat& format);

// RETURNS the format's protocol over `transport` (as made by WrapSocket).
std::shared_ptr<apache::thrift::protocol::TProtocol> MakeProtocol(
    std::shared_ptr<apache::thrift::transport::TTransport> transport, const WireFormat& format);

// Factories for a Thrift server that produce exactly what WrapSocket and MakeProtocol produce.
std::shared_ptr<apache::thrift::transport::TTransportFactory> MakeTransportFactory(const WireFormat& format);
std::shared_ptr<apache::thrift::protocol::TProtocolFactory> MakeProtocolFactory(const WireFormat& format);

// Sends Thrift's own diagnostics (one line per dropped connection, which garbage input causes) to the debug
// log instead of stderr. Idempotent.
void RouteThriftLogging();

}  // namespace maestro::thrift
