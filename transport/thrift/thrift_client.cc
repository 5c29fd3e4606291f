#include "transport/thrift/thrift_client.h"

#include <spdlog/spdlog.h>
#include <thrift/TApplicationException.h>

#include <algorithm>
#include <chrono>

#include "gen-cpp/LLMService.h"
#include "gen-cpp/STTService.h"
#include "gen-cpp/TTSService.h"
#include "net/balanced_call.h"
#include "net/endpoint_balancer.h"
#include "transport/thrift/connection_pool.h"
#include "transport/thrift/thrift_tls.h"
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

  // A result with the endpoint that produced it, for the calls that must follow it there.
  template <typename T>
  struct Pinned {
    size_t endpoint = 0;
    T value;
  };

  // As Call, also reporting which endpoint answered.
  template <typename T>
  void CallPinning(const Deadline& deadline, std::function<Result<T>(const Wire&)> rpc, Callback<Pinned<T>> done) {
    auto attempt = std::make_shared<std::function<void(size_t, Callback<Pinned<T>>)>>(
        [this, deadline, rpc = std::move(rpc)](size_t endpoint, Callback<Pinned<T>> on_result) {
          pools_[endpoint]->Call<Pinned<T>>(
              deadline,
              [rpc, endpoint](const Wire& wire) -> Result<Pinned<T>> {
                auto result = rpc(wire);
                if (!result.ok()) return result.status();
                return Pinned<T>{endpoint, std::move(result).value()};
              },
              std::move(on_result));
        });
    net::CallBalanced<Pinned<T>>(balancer_, deadline, attempt, std::move(done));
  }

  // A call that must reach `endpoint` (a stream's next poll or its cancel). No balancing: the stream lives there.
  template <typename T>
  void CallOn(size_t endpoint, const Deadline& deadline, std::function<Result<T>(const Wire&)> rpc, Callback<T> done) {
    pools_[endpoint]->Call<T>(deadline, std::move(rpc), std::move(done));
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
  auto tls = MakeSslSocketFactory(options.tls, tls::TlsRole::kClient);
  if (!tls.ok()) return tls.status();
  std::vector<std::unique_ptr<ConnectionPool>> pools;
  for (const auto& endpoint : *endpoints) {
    if (endpoint.port == 0) return InvalidArgument("address '" + address + "' has port 0");
    pools.push_back(
        std::make_unique<ConnectionPool>(endpoint.host, endpoint.port, *format, options.client_connections, *tls));
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

std::shared_ptr<mpes::thrift::llm::GenRequest> ToWire(GenerationRequest request) {
  auto wire = std::make_shared<mpes::thrift::llm::GenRequest>();
  wire->prompt = std::move(request.prompt);
  wire->__isset.prompt = true;
  wire->__set_max_tokens(request.max_tokens);
  wire->__set_temperature(request.temperature);
  wire->__set_top_p(request.top_p);
  wire->__set_top_k(request.top_k);
  wire->__set_repeat_penalty(request.repeat_penalty);
  wire->__set_presence_penalty(request.presence_penalty);
  wire->__set_frequency_penalty(request.frequency_penalty);
  return wire;
}

// What generate_start answered: a stream id, or that the server predates streaming (the thesis's).
struct StreamStart {
  int64_t id = 0;
  bool unsupported = false;
};

// One streamed generation over the chunked calls (thrift/llm.thrift): generate_start on a balanced endpoint, then
// generate_next long polls on that endpoint until the answer is done; generate_cancel when the sink refuses a
// piece or the budget runs out first. Polls run on the pool's workers, one at a time per stream.
struct ThriftStream {
  Deadline deadline;
  LanguageModel::PieceSink on_piece;
  Callback<Generation> done;
  size_t endpoint = 0;
  int64_t id = 0;
  Generation generation;
};

class ThriftLlmClient final : public LanguageModel {
 public:
  // A poll waits at most this long on the server, so a lost client frees the server's thread soon.
  static constexpr int32_t kPollWaitMs = 2000;
  // A cancel gets this long; it is best effort, as the server also reclaims streams nobody polls.
  static constexpr auto kCancelBudget = std::chrono::seconds(2);

  explicit ThriftLlmClient(std::unique_ptr<BalancedPools> pool) : pool_(std::move(pool)) {}

  void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) override {
    auto wire_request = ToWire(std::move(request));
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

  void GenerateStreaming(GenerationRequest request, Deadline deadline, PieceSink on_piece,
                         Callback<Generation> done) override {
    auto stream = std::make_shared<ThriftStream>(ThriftStream{deadline, std::move(on_piece), std::move(done)});
    auto wire_request = ToWire(request);
    pool_->CallPinning<StreamStart>(
        deadline,
        [wire_request](const Wire& wire) -> Result<StreamStart> {
          mpes::thrift::llm::LLMServiceClient client(wire.protocol);
          wire_request->__set_timeout_ms(wire.timeout_ms);
          try {
            return StreamStart{client.generate_start(*wire_request), false};
          } catch (const mpes::thrift::common::ServiceError& error) {
            return FromServiceError(error);
          } catch (const apache::thrift::TApplicationException& error) {
            if (error.getType() != apache::thrift::TApplicationException::UNKNOWN_METHOD) throw;
            return StreamStart{0, true};
          }
        },
        [this, stream, request = std::move(request)](Result<BalancedPools::Pinned<StreamStart>> started) mutable {
          if (!started.ok()) return stream->done(started.status());
          if (started->value.unsupported) {
            return LanguageModel::GenerateStreaming(std::move(request), stream->deadline, std::move(stream->on_piece),
                                                    std::move(stream->done));
          }
          stream->endpoint = started->endpoint;
          stream->id = started->value.id;
          Poll(stream);
        });
  }

 private:
  void Poll(const std::shared_ptr<ThriftStream>& stream) {
    const auto wait = static_cast<int32_t>(std::min<int64_t>(kPollWaitMs, stream->deadline.remaining_ms()));
    pool_->CallOn<mpes::thrift::llm::GenPieces>(
        stream->endpoint, stream->deadline,
        [id = stream->id, wait](const Wire& wire) -> Result<mpes::thrift::llm::GenPieces> {
          mpes::thrift::llm::LLMServiceClient client(wire.protocol);
          mpes::thrift::llm::GenPieces batch;
          try {
            client.generate_next(batch, id, wait);
          } catch (const mpes::thrift::common::ServiceError& error) {
            return FromServiceError(error);
          }
          return batch;
        },
        [this, stream](Result<mpes::thrift::llm::GenPieces> batch) {
          if (!batch.ok()) {
            // A typed failure from the server ended the stream there; anything else may have left it running.
            if (batch.status().code() == StatusCode::kDeadlineExceeded ||
                batch.status().code() == StatusCode::kUnavailable) {
              Cancel(*stream);
            }
            return stream->done(batch.status());
          }
          for (auto& piece : batch->pieces) {
            stream->generation.text += piece;
            if (!stream->on_piece(piece)) {
              Cancel(*stream);
              return stream->done(std::move(stream->generation));  // what was produced so far
            }
          }
          if (batch->done) {
            stream->generation.language = std::move(batch->language);
            stream->generation.sources = std::move(batch->sources);
            return stream->done(std::move(stream->generation));
          }
          Poll(stream);
        });
  }

  // Stops the stream on the server, best effort: a failure only means the server's idle timeout reclaims it.
  void Cancel(const ThriftStream& stream) {
    pool_->CallOn<bool>(
        stream.endpoint, Deadline::In(kCancelBudget),
        [id = stream.id](const Wire& wire) -> Result<bool> {
          mpes::thrift::llm::LLMServiceClient client(wire.protocol);
          try {
            client.generate_cancel(id);
          } catch (const mpes::thrift::common::ServiceError& error) {
            return FromServiceError(error);
          }
          return true;
        },
        [id = stream.id](const Result<bool>& cancelled) {
          // kNotFound: the stream had already ended there, which is what the cancel wanted.
          if (!cancelled.ok() && cancelled.status().code() != StatusCode::kNotFound) {
            spdlog::debug("thrift generate_cancel of stream {} failed: {}", id, cancelled.status().ToString());
          }
        });
  }

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
