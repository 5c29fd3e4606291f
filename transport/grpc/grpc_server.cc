#include "transport/grpc/grpc_server.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <mutex>

#include "common/admission_gate.h"
#include "metrics/metrics.h"
#include "proto/llm.grpc.pb.h"
#include "proto/stt.grpc.pb.h"
#include "proto/tts.grpc.pb.h"
#include "transport/grpc/grpc_status.h"

namespace maestro::grpc {
namespace {

// In-flight calls get this long to finish on Shutdown before gRPC cancels them.
constexpr auto kShutdownGrace = std::chrono::seconds(5);

Deadline DeadlineOf(const ::grpc::CallbackServerContext& context) {
  auto left = context.deadline() - std::chrono::system_clock::now();
  // gRPC reports "no deadline" as a time point in the far future.
  if (left > std::chrono::hours(24 * 365)) return Deadline::Never();
  return Deadline(Deadline::Clock::now() + std::chrono::duration_cast<Deadline::Clock::duration>(left));
}

// What every handler does around the engine call: admission, metrics, the Maestro code trailer.
class CallGate {
 public:
  CallGate(const std::string& service, const TransportOptions& options)
      : metrics_(service, "grpc"), limit_(static_cast<size_t>(options.max_inflight), 0) {}

  struct Ticket {
    std::chrono::steady_clock::time_point started;
    bool admitted = false;
  };

  // RETURNS a ticket; when `refusal` is set on return the call must be finished with it at once.
  Ticket Admit(const Deadline& deadline, Status& refusal) {
    Ticket ticket{metrics_.Start(), false};
    if (deadline.expired()) {
      refusal = DeadlineExceeded("the call's deadline had passed on arrival");
    } else if (!limit_.TryAcquire()) {
      refusal = Status(StatusCode::kOverloaded, "server is at its in-flight limit; retry later");
    } else {
      ticket.admitted = true;
    }
    return ticket;
  }

  // Finishes the call. Must be the handler's last touch of `this`: once the reactor is finished, Shutdown
  // may return and destroy the service.
  void Finish(::grpc::CallbackServerContext* context, ::grpc::ServerUnaryReactor* reactor, const Ticket& ticket,
              const Status& status) {
    // gRPC sends no reply message with a non-OK status, so the error travels as the status message (and
    // the exact code as a trailer) rather than in the reply's `error` field.
    if (!status.ok()) context->AddTrailingMetadata(kCodeTrailer, StatusCodeName(status.code()));
    if (ticket.admitted) limit_.Release();
    metrics_.Finish(ticket.started, status.code());
    reactor->Finish(ToGrpcStatus(status));
  }

  // Runs one unary call: admission, then `start(deadline, done)` to call the engine, then `fill(value)` to write
  // the reply when the engine succeeds, then Finish. RETURNS the reactor gRPC waits on.
  template <typename T, typename Start, typename Fill>
  ::grpc::ServerUnaryReactor* Handle(::grpc::CallbackServerContext* context, Start start, Fill fill) {
    auto* reactor = context->DefaultReactor();
    Deadline deadline = DeadlineOf(*context);
    Status refusal;
    auto ticket = Admit(deadline, refusal);
    if (!ticket.admitted) {
      Finish(context, reactor, ticket, refusal);
      return reactor;
    }
    start(deadline, [this, context, reactor, ticket, fill](Result<T> result) mutable {
      if (result.ok()) fill(result.value());
      Finish(context, reactor, ticket, result.status());
    });
    return reactor;
  }

 private:
  metrics::RequestMetrics metrics_;
  AdmissionGate limit_;  // no queue: the excess is refused at once
};

class SttService final : public mpes::stt::STTService::CallbackService {
 public:
  SttService(SpeechToText& engine, const TransportOptions& options) : engine_(engine), gate_("stt", options) {}

  ::grpc::ServerUnaryReactor* Transcribe(::grpc::CallbackServerContext* context,
                                         const mpes::stt::TranscribeRequest* request,
                                         mpes::stt::TranscribeReply* reply) override {
    return gate_.Handle<Transcript>(
        context,
        [this, request](Deadline deadline, Callback<Transcript> done) {
          engine_.Transcribe({request->audio(), request->filename(), request->content_type()}, deadline,
                             std::move(done));
        },
        [reply](Transcript& transcript) {
          reply->set_text(std::move(transcript.text));
          reply->set_language(std::move(transcript.language));
          reply->set_confidence(static_cast<float>(transcript.confidence));
        });
  }

 private:
  SpeechToText& engine_;
  CallGate gate_;
};

class LlmService final : public mpes::llm::LLMService::CallbackService {
 public:
  LlmService(LanguageModel& engine, const TransportOptions& options) : engine_(engine), gate_("llm", options) {}

  ::grpc::ServerUnaryReactor* Generate(::grpc::CallbackServerContext* context, const mpes::llm::GenRequest* request,
                                       mpes::llm::GenReply* reply) override {
    return gate_.Handle<Generation>(
        context,
        [this, request](Deadline deadline, Callback<Generation> done) {
          engine_.Generate(
              {request->prompt(), request->max_tokens(), request->temperature(), request->top_p(), request->top_k(),
               request->repeat_penalty(), request->presence_penalty(), request->frequency_penalty()},
              deadline, std::move(done));
        },
        [reply](Generation& generation) {
          reply->set_generated(std::move(generation.text));
          reply->set_language(std::move(generation.language));
          for (auto& source : generation.sources) reply->add_sources(std::move(source));
        });
  }

 private:
  LanguageModel& engine_;
  CallGate gate_;
};

class TtsService final : public mpes::tts::TTSService::CallbackService {
 public:
  TtsService(TextToSpeech& engine, const TransportOptions& options) : engine_(engine), gate_("tts", options) {}

  ::grpc::ServerUnaryReactor* Synthesize(::grpc::CallbackServerContext* context, const mpes::tts::SynthRequest* request,
                                         mpes::tts::SynthReply* reply) override {
    return gate_.Handle<SpeechAudio>(
        context,
        [this, request](Deadline deadline, Callback<SpeechAudio> done) {
          engine_.Synthesize({request->text(), request->voice()}, deadline, std::move(done));
        },
        [reply](SpeechAudio& speech) { reply->set_audio(std::move(speech.wav)); });
  }

 private:
  TextToSpeech& engine_;
  CallGate gate_;
};

class GrpcServiceServer final : public ServiceServer {
 public:
  GrpcServiceServer(std::unique_ptr<::grpc::Service> service, std::unique_ptr<::grpc::Server> server, uint16_t port)
      : service_(std::move(service)), server_(std::move(server)), port_(port) {}
  ~GrpcServiceServer() override { Shutdown(); }

  uint16_t port() const override { return port_; }

  void Shutdown() override {
    std::call_once(shutdown_once_, [this] {
      server_->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
      server_->Wait();
    });
  }

 private:
  // Declared before server_ so that the server, whose calls use the service, is destroyed first.
  std::unique_ptr<::grpc::Service> service_;
  std::unique_ptr<::grpc::Server> server_;
  uint16_t port_;
  std::once_flag shutdown_once_;
};

int SizeLimit(size_t bytes) {
  return static_cast<int>(std::min<size_t>(bytes, INT_MAX));
}

Result<std::unique_ptr<ServiceServer>> Start(std::unique_ptr<::grpc::Service> service, const std::string& host,
                                             uint16_t port, const TransportOptions& options) {
  std::string address = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  ::grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(address, ::grpc::InsecureServerCredentials(), &bound_port);
  // The 4 MiB default would refuse a long recording or a long answer's WAV.
  builder.SetMaxReceiveMessageSize(SizeLimit(options.max_message_bytes));
  builder.SetMaxSendMessageSize(SizeLimit(options.max_message_bytes));
  // gRPC sets SO_REUSEPORT by default, which would let a second server silently share a busy port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(service.get());
  std::unique_ptr<::grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) return Unavailable("gRPC cannot listen on " + address);
  return std::unique_ptr<ServiceServer>(
      new GrpcServiceServer(std::move(service), std::move(server), static_cast<uint16_t>(bound_port)));
}

}  // namespace

Result<std::unique_ptr<ServiceServer>> ServeStt(SpeechToText& engine, const std::string& host, uint16_t port,
                                                const TransportOptions& options) {
  return Start(std::make_unique<SttService>(engine, options), host, port, options);
}

Result<std::unique_ptr<ServiceServer>> ServeLlm(LanguageModel& engine, const std::string& host, uint16_t port,
                                                const TransportOptions& options) {
  return Start(std::make_unique<LlmService>(engine, options), host, port, options);
}

Result<std::unique_ptr<ServiceServer>> ServeTts(TextToSpeech& engine, const std::string& host, uint16_t port,
                                                const TransportOptions& options) {
  return Start(std::make_unique<TtsService>(engine, options), host, port, options);
}

}  // namespace maestro::grpc
