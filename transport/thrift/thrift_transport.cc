#include "transport/thrift/thrift_transport.h"

#include "transport/thrift/thrift_client.h"
#include "transport/thrift/thrift_server.h"

namespace maestro::thrift {
namespace {

class ThriftTransport final : public Transport {
 public:
  explicit ThriftTransport(TransportOptions options) : options_(std::move(options)) {}

  std::string name() const override { return "thrift"; }

  Result<std::unique_ptr<ServiceServer>> ServeStt(SpeechToText& engine, const std::string& host,
                                                  uint16_t port) override {
    return thrift::ServeStt(engine, host, port, options_);
  }
  Result<std::unique_ptr<ServiceServer>> ServeLlm(LanguageModel& engine, const std::string& host,
                                                  uint16_t port) override {
    return thrift::ServeLlm(engine, host, port, options_);
  }
  Result<std::unique_ptr<ServiceServer>> ServeTts(TextToSpeech& engine, const std::string& host,
                                                  uint16_t port) override {
    return thrift::ServeTts(engine, host, port, options_);
  }

  Result<std::unique_ptr<SpeechToText>> ConnectStt(const std::string& address) override {
    return thrift::ConnectStt(address, options_);
  }
  Result<std::unique_ptr<LanguageModel>> ConnectLlm(const std::string& address) override {
    return thrift::ConnectLlm(address, options_);
  }
  Result<std::unique_ptr<TextToSpeech>> ConnectTts(const std::string& address) override {
    return thrift::ConnectTts(address, options_);
  }

 private:
  TransportOptions options_;
};

}  // namespace

std::unique_ptr<Transport> CreateTransport(const TransportOptions& options) {
  return std::make_unique<ThriftTransport>(options);
}

}  // namespace maestro::thrift
