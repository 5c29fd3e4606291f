#include "transport/grpc/grpc_transport.h"

#include "transport/grpc/grpc_client.h"
#include "transport/grpc/grpc_server.h"

namespace maestro::grpc {
namespace {

class GrpcTransport final : public Transport {
 public:
  explicit GrpcTransport(TransportOptions options) : options_(std::move(options)) {}

  std::string name() const override { return "grpc"; }

  Result<std::unique_ptr<ServiceServer>> ServeStt(SpeechToText& engine, const std::string& host,
                                                  uint16_t port) override {
    return grpc::ServeStt(engine, host, port, options_);
  }
  Result<std::unique_ptr<ServiceServer>> ServeLlm(LanguageModel& engine, const std::string& host,
                                                  uint16_t port) override {
    return grpc::ServeLlm(engine, host, port, options_);
  }
  Result<std::unique_ptr<ServiceServer>> ServeTts(TextToSpeech& engine, const std::string& host,
                                                  uint16_t port) override {
    return grpc::ServeTts(engine, host, port, options_);
  }

  Result<std::unique_ptr<SpeechToText>> ConnectStt(const std::string& address) override {
    return grpc::ConnectStt(address, options_);
  }
  Result<std::unique_ptr<LanguageModel>> ConnectLlm(const std::string& address) override {
    return grpc::ConnectLlm(address, options_);
  }
  Result<std::unique_ptr<TextToSpeech>> ConnectTts(const std::string& address) override {
    return grpc::ConnectTts(address, options_);
  }

 private:
  TransportOptions options_;
};

}  // namespace

std::unique_ptr<Transport> CreateTransport(const TransportOptions& options) {
  return std::make_unique<GrpcTransport>(options);
}

}  // namespace maestro::grpc
