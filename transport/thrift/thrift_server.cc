#include "transport/thrift/thrift_server.h"

#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TSSLServerSocket.h>
#include <thrift/transport/TServerSocket.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "common/admission_gate.h"
#include "gen-cpp/LLMService.h"
#include "gen-cpp/STTService.h"
#include "gen-cpp/TTSService.h"
#include "metrics/metrics.h"
#include "transport/thrift/generate_streams.h"
#include "transport/thrift/thrift_tls.h"
#include "transport/thrift/thrift_wire.h"

namespace maestro::thrift {
namespace {

using apache::thrift::server::TServerEventHandler;
using apache::thrift::server::TThreadedServer;
using apache::thrift::transport::TServerSocket;
using apache::thrift::transport::TSSLServerSocket;

// An idle connection is closed after this long, so an abandoned one cannot hold its thread for ever.
constexpr int kIdleTimeoutMs = 60'000;
// Connections beyond max(kMinConnections, 2 × max_inflight) wait in the listen backlog.
constexpr int64_t kMinConnections = 64;

Deadline DeadlineOf(int64_t timeout_ms) {
  if (timeout_ms <= 0) return Deadline::Never();  // the original system's "no deadline"
  return Deadline::FromBudgetMs(timeout_ms);
}

[[noreturn]] void Throw(const Status& status) {
  mpes::thrift::common::ServiceError error;
  error.__set_code(StatusCodeName(status.code()));
  error.__set_message(status.message());
  throw error;
}

// What every handler does around the engine call: admission, metrics, and waiting for the engine.
class CallGate {
 public:
  CallGate(const std::string& service, const TransportOptions& options)
      : metrics_(service, "thrift"), limit_(static_cast<size_t>(options.max_inflight), 0) {}

  // Calls the engine through `start` and waits for its result until `deadline`.
  // RETURNS the engine's result, or kOverloaded / kDeadlineExceeded from admission or the wait.
  template <typename T, typename Start>
  Result<T> Run(const Deadline& deadline, Start start) {
    auto started = metrics_.Start();
    Result<T> result = Admitted<T>(deadline, start);
    metrics_.Finish(started, result.status().code());
    return result;
  }

 private:
  template <typename T, typename Start>
  Result<T> Admitted(const Deadline& deadline, Start& start) {
    if (deadline.expired()) return DeadlineExceeded("the call's deadline had passed on arrival");
    if (!limit_.TryAcquire()) return Status(StatusCode::kOverloaded, "server is at its in-flight limit; retry later");
    // Shared, because an engine that overruns the deadline completes after this handler has given up.
    auto promise = std::make_shared<std::promise<Result<T>>>();
    auto future = promise->get_future();
    start([promise](Result<T> result) { promise->set_value(std::move(result)); });
    bool ready = deadline.never() || future.wait_until(deadline.at()) == std::future_status::ready;
    limit_.Release();
    if (!ready) return DeadlineExceeded("the engine did not answer within the call's deadline");
    return future.get();
  }

  metrics::RequestMetrics metrics_;
  AdmissionGate limit_;  // no queue: the excess is refused at once
};

class SttHandler final : public mpes::thrift::stt::STTServiceIf {
 public:
  SttHandler(SpeechToText& engine, const TransportOptions& options) : engine_(engine), gate_("stt", options) {}

  void Transcribe(mpes::thrift::stt::TranscribeReply& reply, const std::string& audio, const std::string& filename,
                  const std::string& content_type, const int64_t timeout_ms) override {
    Deadline deadline = DeadlineOf(timeout_ms);
    auto result = gate_.Run<Transcript>(deadline, [&](Callback<Transcript> done) {
      // The generated processor passes its own non-const locals, unused after this call, so the audio can move
      // instead of being copied, as the REST server's does.
      engine_.Transcribe(AudioClip{std::move(const_cast<std::string&>(audio)), filename, content_type}, deadline,
                         std::move(done));
    });
    if (!result.ok()) Throw(result.status());
    reply.__set_text(std::move(result->text));
    reply.__set_language(std::move(result->language));
    reply.__set_confidence(result->confidence);
  }

 private:
  SpeechToText& engine_;
  CallGate gate_;
};

GenerationRequest FromWire(const mpes::thrift::llm::GenRequest& request) {
  return {request.prompt,
          request.max_tokens,
          static_cast<float>(request.temperature),
          static_cast<float>(request.top_p),
          request.top_k,
          static_cast<float>(request.repeat_penalty),
          static_cast<float>(request.presence_penalty),
          static_cast<float>(request.frequency_penalty)};
}

GenerateStreams::Limits StreamLimits(const TransportOptions& options) {
  GenerateStreams::Limits limits;
  limits.max_streams = static_cast<size_t>(std::max(1, options.thrift_max_streams));
  limits.buffer_bytes = options.stream_buffer_bytes;
  limits.idle = std::max(std::chrono::milliseconds(1), options.thrift_stream_idle);
  return limits;
}

class LlmHandler final : public mpes::thrift::llm::LLMServiceIf {
 public:
  LlmHandler(LanguageModel& engine, const TransportOptions& options)
      : engine_(engine), gate_("llm", options), streams_(engine, StreamLimits(options)) {}

  void Generate(mpes::thrift::llm::GenReply& reply, const mpes::thrift::llm::GenRequest& request) override {
    Deadline deadline = DeadlineOf(request.timeout_ms);
    GenerationRequest generation = FromWire(request);
    auto result = gate_.Run<Generation>(deadline, [&](Callback<Generation> done) {
      engine_.Generate(std::move(generation), deadline, std::move(done));
    });
    if (!result.ok()) Throw(result.status());
    reply.__set_generated(std::move(result->text));
    reply.__set_language(std::move(result->language));
    reply.__set_sources(std::move(result->sources));
  }

  int64_t generate_start(const mpes::thrift::llm::GenRequest& request) override {
    auto id = streams_.Start(FromWire(request), DeadlineOf(request.timeout_ms));
    if (!id.ok()) Throw(id.status());
    return *id;
  }

  void generate_next(mpes::thrift::llm::GenPieces& reply, const int64_t stream_id, const int32_t wait_ms) override {
    auto batch = streams_.Next(stream_id, std::chrono::milliseconds(wait_ms));
    if (!batch.ok()) Throw(batch.status());
    // Thrift's __set_ copies; the fields are assigned by move instead.
    reply.pieces = std::move(batch->pieces);
    reply.__set_done(batch->done);
    reply.__isset.pieces = true;
    if (batch->done) {
      reply.language = std::move(batch->end.language);
      reply.sources = std::move(batch->end.sources);
      reply.__isset.language = reply.__isset.sources = true;
    }
  }

  void generate_cancel(const int64_t stream_id) override {
    if (auto status = streams_.Cancel(stream_id); !status.ok()) Throw(status);
  }

 private:
  LanguageModel& engine_;
  CallGate gate_;
  GenerateStreams streams_;
};

class TtsHandler final : public mpes::thrift::tts::TTSServiceIf {
 public:
  TtsHandler(TextToSpeech& engine, const TransportOptions& options) : engine_(engine), gate_("tts", options) {}

  void Synthesize(mpes::thrift::tts::SynthReply& reply, const std::string& text, const std::string& voice,
                  const int64_t timeout_ms) override {
    Deadline deadline = DeadlineOf(timeout_ms);
    auto result = gate_.Run<SpeechAudio>(deadline, [&](Callback<SpeechAudio> done) {
      engine_.Synthesize(SynthesisRequest{text, voice}, deadline, std::move(done));
    });
    if (!result.ok()) Throw(result.status());
    reply.__set_audio(std::move(result->wav));
  }

 private:
  TextToSpeech& engine_;
  CallGate gate_;
};

// Tells Start whether the server came up: preServe runs once it listens; serve() throws when it cannot bind.
class StartSignal final : public TServerEventHandler {
 public:
  void preServe() override { Report(""); }
  // `error` empty means listening. Only the first report counts.
  void Report(const std::string& error) {
    std::call_once(once_, [&] { outcome_.set_value(error); });
  }
  std::future<std::string> Outcome() { return outcome_.get_future(); }

 private:
  std::once_flag once_;
  std::promise<std::string> outcome_;
};

class ThriftServiceServer final : public ServiceServer {
 public:
  explicit ThriftServiceServer(std::shared_ptr<TThreadedServer> server) : server_(std::move(server)) {}
  ~ThriftServiceServer() override { Shutdown(); }

  // RETURNS ok once the server listens, or kUnavailable saying why it cannot.
  Status Start(const std::shared_ptr<TServerSocket>& socket, const std::string& address) {
    auto signal = std::make_shared<StartSignal>();
    auto outcome = signal->Outcome();
    server_->setServerEventHandler(signal);
    thread_ = std::thread([server = server_, signal, address] {
      try {
        server->serve();
        signal->Report("serve() returned");
      } catch (const std::exception& e) {
        signal->Report(e.what());
        spdlog::error("thrift server on {} stopped: {}", address, e.what());
      }
    });
    if (std::string error = outcome.get(); !error.empty()) {
      thread_.join();
      stopped_ = true;
      return Unavailable("thrift cannot listen on " + address + ": " + error);
    }
    sockaddr_storage bound{};
    socklen_t length = sizeof(bound);
    if (getsockname(socket->getSocketFD(), reinterpret_cast<sockaddr*>(&bound), &length) == 0) {
      port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    }
    return Status::Ok();
  }

  uint16_t port() const override { return port_; }

  // TThreadedServer::stop interrupts the accept and every connection's wait for its next request; calls
  // being handled finish and send their replies, then serve() returns once every connection thread is done.
  void Shutdown() override {
    std::call_once(shutdown_once_, [this] {
      if (stopped_) return;
      server_->stop();
      thread_.join();
    });
  }

 private:
  std::shared_ptr<TThreadedServer> server_;
  std::thread thread_;
  uint16_t port_ = 0;
  bool stopped_ = false;
  std::once_flag shutdown_once_;
};

Result<std::unique_ptr<ServiceServer>> Start(std::shared_ptr<apache::thrift::TProcessor> processor,
                                             const std::string& host, uint16_t port, const TransportOptions& options) {
  auto format = ParseWireFormat(options);
  if (!format.ok()) return format.status();
  auto tls = MakeSslSocketFactory(options.tls, tls::TlsRole::kServer);
  if (!tls.ok()) return tls.status();
  RouteThriftLogging();
  // The TLS handshake happens on the connection's own thread at its first read, under the same idle timeout.
  auto socket =
      *tls ? std::make_shared<TSSLServerSocket>(host, port, *tls) : std::make_shared<TServerSocket>(host, port);
  socket->setRecvTimeout(kIdleTimeoutMs);
  auto server =
      std::make_shared<TThreadedServer>(processor, socket, MakeTransportFactory(*format), MakeProtocolFactory(*format));
  server->setConcurrentClientLimit(std::max<int64_t>(kMinConnections, 2 * static_cast<int64_t>(options.max_inflight)));
  auto running = std::make_unique<ThriftServiceServer>(server);
  if (auto status = running->Start(socket, host + ":" + std::to_string(port)); !status.ok()) return status;
  return std::unique_ptr<ServiceServer>(std::move(running));
}

}  // namespace

Result<std::unique_ptr<ServiceServer>> ServeStt(SpeechToText& engine, const std::string& host, uint16_t port,
                                                const TransportOptions& options) {
  auto handler = std::make_shared<SttHandler>(engine, options);
  return Start(std::make_shared<mpes::thrift::stt::STTServiceProcessor>(handler), host, port, options);
}

Result<std::unique_ptr<ServiceServer>> ServeLlm(LanguageModel& engine, const std::string& host, uint16_t port,
                                                const TransportOptions& options) {
  auto handler = std::make_shared<LlmHandler>(engine, options);
  return Start(std::make_shared<mpes::thrift::llm::LLMServiceProcessor>(handler), host, port, options);
}

Result<std::unique_ptr<ServiceServer>> ServeTts(TextToSpeech& engine, const std::string& host, uint16_t port,
                                                const TransportOptions& options) {
  auto handler = std::make_shared<TtsHandler>(engine, options);
  return Start(std::make_shared<mpes::thrift::tts::TTSServiceProcessor>(handler), host, port, options);
}

}  // namespace maestro::thrift
