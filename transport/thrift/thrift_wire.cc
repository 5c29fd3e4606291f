#include "transport/thrift/thrift_wire.h"

#include <spdlog/spdlog.h>
#include <thrift/TOutput.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <algorithm>
#include <climits>
#include <mutex>

namespace maestro::thrift {
namespace {

using apache::thrift::TConfiguration;
using apache::thrift::protocol::TProtocol;
using apache::thrift::protocol::TProtocolFactory;
using apache::thrift::transport::TTransport;
using apache::thrift::transport::TTransportFactory;

// Read/write buffer of a buffered connection; payloads larger than this bypass it.
constexpr uint32_t kBufferBytes = 16 * 1024;
// Framing, method name and field headers on top of the largest payload.
constexpr size_t kEnvelopeBytes = 64 * 1024;

int MessageLimit(const WireFormat& format) {
  return static_cast<int>(std::min<size_t>(format.max_message_bytes + kEnvelopeBytes, INT_MAX));
}

std::shared_ptr<TConfiguration> Configuration(const WireFormat& format) {
  int limit = MessageLimit(format);
  return std::make_shared<TConfiguration>(limit, limit);
}

// Both Thrift 0.17 buffer transports count the bytes their protocol consumes through borrow() (strings
// that fit in the buffer) against the message limit, but never start a new count per message: a long-lived
// connection would die once its total traffic passed the limit (measured: call 40 of 8 KB prompts under a
// 320 KB limit). Each message end starts a new count here.
class PerMessageBufferedTransport final : public apache::thrift::transport::TBufferedTransport {
 public:
  PerMessageBufferedTransport(std::shared_ptr<TTransport> socket, std::shared_ptr<TConfiguration> config)
      : TBufferedTransport(std::move(socket), kBufferBytes, kBufferBytes, std::move(config)) {}

  uint32_t readEnd() override {
    resetConsumedMessageSize();
    return 0;
  }

  // TBufferedTransport reads a large field (an audio upload) through its buffer, one buffer-full per recv
  // and a copy each; with the buffer empty, a read at least its size goes straight to the caller instead.
  uint32_t readSlow(uint8_t* buf, uint32_t len) override {
    if (rBase_ == rBound_ && len >= kBufferBytes) return transport_->read(buf, len);
    return TBufferedTransport::readSlow(buf, len);
  }
};

class PerMessageFramedTransport final : public apache::thrift::transport::TFramedTransport {
 public:
  PerMessageFramedTransport(std::shared_ptr<TTransport> socket, std::shared_ptr<TConfiguration> config)
      : TFramedTransport(std::move(socket), std::move(config)) {}

  uint32_t readEnd() override {
    uint32_t bytes = TFramedTransport::readEnd();
    resetConsumedMessageSize();
    return bytes;
  }
};

class WireTransportFactory final : public TTransportFactory {
 public:
  explicit WireTransportFactory(WireFormat format) : format_(format) {}
  std::shared_ptr<TTransport> getTransport(std::shared_ptr<TTransport> socket) override {
    return WrapSocket(std::move(socket), format_);
  }

 private:
  WireFormat format_;
};

}  // namespace

Result<WireFormat> ParseWireFormat(const TransportOptions& options) {
  WireFormat format;
  if (options.thrift_transport == "framed") {
    format.framed = true;
  } else if (options.thrift_transport != "buffered") {
    return InvalidArgument("thrift transport '" + options.thrift_transport + "' is not buffered or framed");
  }
  if (options.thrift_protocol == "compact") {
    format.compact = true;
  } else if (options.thrift_protocol != "binary") {
    return InvalidArgument("thrift protocol '" + options.thrift_protocol + "' is not binary or compact");
  }
  format.max_message_bytes = options.max_message_bytes;
  return format;
}

std::shared_ptr<TTransport> WrapSocket(std::shared_ptr<TTransport> socket, const WireFormat& format) {
  if (format.framed) {
    return std::make_shared<PerMessageFramedTransport>(std::move(socket), Configuration(format));
  }
  return std::make_shared<PerMessageBufferedTransport>(std::move(socket), Configuration(format));
}

std::shared_ptr<TProtocol> MakeProtocol(std::shared_ptr<TTransport> transport, const WireFormat& format) {
  return MakeProtocolFactory(format)->getProtocol(std::move(transport));
}

std::shared_ptr<TTransportFactory> MakeTransportFactory(const WireFormat& format) {
  return std::make_shared<WireTransportFactory>(format);
}

// Both transports are TBufferBase, whose protocol specialisations read and write without virtual calls.
std::shared_ptr<TProtocolFactory> MakeProtocolFactory(const WireFormat& format) {
  using apache::thrift::transport::TBufferBase;
  int limit = MessageLimit(format);
  if (format.compact) {
    return std::make_shared<apache::thrift::protocol::TCompactProtocolFactoryT<TBufferBase>>(limit, limit);
  }
  // strict_read off accepts the pre-versioned messages some old clients write; strict_write on is what every
  // Thrift library expects by default.
  return std::make_shared<apache::thrift::protocol::TBinaryProtocolFactoryT<TBufferBase>>(limit, limit, false, true);
}

void RouteThriftLogging() {
  static std::once_flag once;
  std::call_once(once, [] {
    apache::thrift::GlobalOutput.setOutputFunction([](const char* message) { spdlog::debug("thrift: {}", message); });
  });
}

}  // namespace maestro::thrift
