#include "transport/inproc/inproc_transport.h"

#include "engines/engine_registry.h"

namespace maestro::inproc {
namespace {

Status NoServer() {
  return InvalidArgument("the inproc transport has no server side: run the engine inside `maestro serve`");
}

class InprocTransport final : public Transport {
 public:
  explicit InprocTransport(TransportOptions options) : options_(std::move(options)) {}

  std::string name() const override { return "inproc"; }

  Result<std::unique_ptr<ServiceServer>> ServeStt(SpeechToText&, const std::string&, uint16_t) override {
    return NoServer();
  }
  Result<std::unique_ptr<ServiceServer>> ServeLlm(LanguageModel&, const std::string&, uint16_t) override {
    return NoServer();
  }
  Result<std::unique_ptr<ServiceServer>> ServeTts(TextToSpeech&, const std::string&, uint16_t) override {
    return NoServer();
  }

  Result<std::unique_ptr<SpeechToText>> ConnectStt(const std::string& engine) override {
    return EngineRegistry::Global().CreateStt(engine, OptionsFor("stt"));
  }
  Result<std::unique_ptr<LanguageModel>> ConnectLlm(const std::string& engine) override {
    return EngineRegistry::Global().CreateLlm(engine, OptionsFor("llm"));
  }
  Result<std::unique_ptr<TextToSpeech>> ConnectTts(const std::string& engine) override {
    return EngineRegistry::Global().CreateTts(engine, OptionsFor("tts"));
  }

 private:
  EngineOptions OptionsFor(const std::string& kind) const {
    auto it = options_.inproc_engine_options.find(kind);
    return it == options_.inproc_engine_options.end() ? EngineOptions{} : it->second;
  }

  TransportOptions options_;
};

}  // namespace

std::unique_ptr<Transport> CreateTransport(const TransportOptions& options) {
  return std::make_unique<InprocTransport>(options);
}

}  // namespace maestro::inproc
