#include "transport/function_transport.h"

namespace maestro {
namespace {

class FunctionTransport final : public Transport {
 public:
  FunctionTransport(TransportFunctions functions, TransportOptions options)
      : functions_(std::move(functions)), options_(std::move(options)) {}

  std::string name() const override { return functions_.name; }

  Result<std::unique_ptr<ServiceServer>> ServeStt(SpeechToText& engine, const std::string& host,
                                                  uint16_t port) override {
    return functions_.serve_stt(engine, host, port, options_);
  }
  Result<std::unique_ptr<ServiceServer>> ServeLlm(LanguageModel& engine, const std::string& host,
                                                  uint16_t port) override {
    return functions_.serve_llm(engine, host, port, options_);
  }
  Result<std::unique_ptr<ServiceServer>> ServeTts(TextToSpeech& engine, const std::string& host,
                                                  uint16_t port) override {
    return functions_.serve_tts(engine, host, port, options_);
  }

  Result<std::unique_ptr<SpeechToText>> ConnectStt(const std::string& address) override {
    return functions_.connect_stt(address, options_);
  }
  Result<std::unique_ptr<LanguageModel>> ConnectLlm(const std::string& address) override {
    return functions_.connect_llm(address, options_);
  }
  Result<std::unique_ptr<TextToSpeech>> ConnectTts(const std::string& address) override {
    return functions_.connect_tts(address, options_);
  }

 private:
  const TransportFunctions functions_;
  const TransportOptions options_;
};

}  // namespace

std::unique_ptr<Transport> MakeFunctionTransport(TransportFunctions functions, TransportOptions options) {
  return std::make_unique<FunctionTransport>(std::move(functions), std::move(options));
}

}  // namespace maestro
