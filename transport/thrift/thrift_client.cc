#include "transport/thrift/thrift_client.h"

#include "gen-cpp/LLMService.h"
#include "gen-cpp/STTService.h"
#include "gen-cpp/TTSService.h"
#include "net/balanced_call.h"
#include "net/endpoint_balancer.h"
#include "transport/thrift/connection_pool.h"
#include "transport/wire_status.h"

namespace maestro::thrift {
namespace {

using Wire = ConnectionPool::Wire;

Status FromServiceError(const mpes::thrift::common::ServiceError& error) {
  auto code = StatusCodeFromName(error.code);
  if (!code || *code == StatusCode::kOk) code = StatusCode::kUpstreamError;
  return Status(*code, error.message);
}

// A ConnectionPool per endpoint, balanced by net::EndpointBalancer (the policy every protocol shares).
class BalancedPools {
 public:
  BalancedPools(std::vector<std::unique_ptr<ConnectionPool>> pools)
      : balancer_(pools.size(), {}), pools_(std::move(pools)) {}

  template <typename T>
  void Call(const Deadline& deadline, std::function<Result<T>(const Wire&)> rpc, Callback<T> done) {
    auto attempt = std::make_shared<std::function<void(size_t, Callback<T>)>>(
        [this, deadline, rpc = std::move(rpc)](size_t endpoint, Callback<T> on_result) {
          pools_[endpoint]->Call<T>(deadline, rpc, std::move(on_result));
        });
    net::CallBalanced<T>(balancer_, deadline, attempt, std::move(done));
  }

 private:
  net::EndpointBalancer balancer_;
  // Declared last: destroying the pools drains their queues while the balancer still exists.
  std::vector<std::unique_ptr<ConnectionPool>> pools_;
};

Result<std::unique_ptr<BalancedPools>> OpenPool(const std::string& address, const TransportOptions& options) {
  auto format = ParseWireFormat(options);
  if (!format.ok()) return format.status();
  auto endpoints = net::ResolveEndpoints(address);
  if (!endpoints.ok()) return endpoints.status();
  std::vector<std::unique_ptr<ConnectionPool>> pools;
  for (const auto& endpoint : *endpoints) {
    if (endpoint.port == 0) return InvalidArgument("address '" + address + "' has port 0");
    pools.push_back(
        std::make_unique<ConnectionPool>(endpoint.host, endpoint.port, *format, options.client_connections));
  }
  return std::make_unique<BalancedPools>(std::move(pools));
}

class ThriftSttClient final : public SpeechToText {
 public:
  explicit ThriftSttClient(std::unique_ptr<BalancedPools> pool) : pool_(std::move(pool)) {}

  void Transcribe(AudioClip clip, Deadline deadline, Callback<Transcript> done) override {
    auto shared_clip = std::make_shared<AudioClip>(std::move(clip));
    pool_->Call<Transcript>(
        deadline,
        [shared_clip](const Wire& wire) -> Result<Transcript> {
          mpes::thrift::stt::STTServiceClient client(wire.protocol);
          mpes::thrift::stt::TranscribeReply reply;
          try {
            client.Transcribe(reply, shared_clip->bytes, shared_clip->filename, shared_clip->content_type,
                              wire.timeout_ms);
          } catch (const mpes::thrift::common::ServiceError& error) {
            return FromServiceError(error);
          }
          if (!reply.error.empty()) return Status(StatusCode::kUpstreamError, reply.error);
          return Transcript{std::move(reply.text), std::move(reply.language),
                            reply.__isset.confidence ? reply.confidence : 1.0};
        },
        std::move(done));
  }

 private:
  std::unique_ptr<BalancedPools> pool_;
};

class ThriftLlmClient final : public LanguageModel {
 public:
  explicit ThriftLlmClient(std::unique_ptr<BalancedPools> pool) : pool_(std::move(pool)) {}

  void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) override {
    auto wire_request = std::make_shared<mpes::thrift::llm::GenRequest>();
    wire_request->__set_prompt(std::move(request.prompt));
    wire_request->__set_max_tokens(request.max_tokens);
    wire_request->__set_temperature(request.temperature);
    wire_request->__set_top_p(request.top_p);
    wire_request->__set_top_k(request.top_k);
    wire_request->__set_repeat_penalty(request.repeat_penalty);
    wire_request->__set_presence_penalty(request.presence_penalty);
    wire_request->__set_frequency_penalty(request.frequency_penalty);
    pool_->Call<Generation>(
        deadline,
        [wire_request](const Wire& wire) -> Result<Generation> {
          mpes::thrift::llm::LLMServiceClient client(wire.protocol);
          mpes::thrift::llm::GenReply reply;
          wire_request->__set_timeout_ms(wire.timeout_ms);
          try {
            client.Generate(reply, *wire_request);
          } catch (const mpes::thrift::common::ServiceError& error) {
            return FromServiceError(error);
          }
          if (!reply.error.empty()) return Status(StatusCode::kUpstreamError, reply.error);
          return Generation{std::move(reply.generated), std::move(reply.language), std::move(reply.sources)};
        },
        std::move(done));
  }

 private:
  std::unique_ptr<BalancedPools> pool_;
};

class ThriftTtsClient final : public TextToSpeech {
 public:
  explicit ThriftTtsClient(std::unique_ptr<BalancedPools> pool) : pool_(std::move(pool)) {}

  void Synthesize(SynthesisRequest request, Deadline deadline, Callback<SpeechAudio> done) override {
    auto shared_request = std::make_shared<SynthesisRequest>(std::move(request));
    pool_->Call<SpeechAudio>(
        deadline,
        [shared_request](const Wire& wire) -> Result<SpeechAudio> {
          mpes::thrift::tts::TTSServiceClient client(wire.protocol);
          mpes::thrift::tts::SynthReply reply;
          try {
            client.Synthesize(reply, shared_request->text, shared_request->voice, wire.timeout_ms);
          } catch (const mpes::thrift::common::ServiceError& error) {
            return FromServiceError(error);
          }
          if (!reply.error.empty()) return Status(StatusCode::kUpstreamError, reply.error);
          return SpeechAudio{std::move(reply.audio)};
        },
        std::move(done));
  }

 private:
  std::unique_ptr<BalancedPools> pool_;
};

}  // namespace

Result<std::unique_ptr<SpeechToText>> ConnectStt(const std::string& address, const TransportOptions& options) {
  auto pool = OpenPool(address, options);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<SpeechToText>(new ThriftSttClient(std::move(*pool)));
}

Result<std::unique_ptr<LanguageModel>> ConnectLlm(const std::string& address, const TransportOptions& options) {
  auto pool = OpenPool(address, options);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<LanguageModel>(new ThriftLlmClient(std::move(*pool)));
}

Result<std::unique_ptr<TextToSpeech>> ConnectTts(const std::string& address, const TransportOptions& options) {
  auto pool = OpenPool(address, options);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<TextToSpeech>(new ThriftTtsClient(std::move(*pool)));
}

}  // namespace maestro::thrift
