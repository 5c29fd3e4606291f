#include "transport/grpc/grpc_server.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <mutex>
#include <optional>
#include <string_view>

#include "common/admission_gate.h"
#include "metrics/metrics.h"
#include "proto/llm.grpc.pb.h"
#include "proto/stt.grpc.pb.h"
#include "proto/tts.grpc.pb.h"
#include "transport/grpc/grpc_credentials.h"
#include "transport/grpc/grpc_runtime.h"
#include "transport/grpc/grpc_status.h"

namespace maestro::grpc_transport {
namespace {

// In-flight calls get this long to finish on Shutdown before gRPC cancels them.
constexpr auto kShutdownGrace = std::chrono::seconds(5);

Deadline DeadlineOf(const grpc::CallbackServerContext& context) {
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

  // Ends the call's accounting and adds the Maestro code trailer; the caller finishes the reactor next.
  void Settle(grpc::CallbackServerContext* context, const Ticket& ticket, const Status& status) {
    // gRPC sends no reply message with a non-OK status, so the error travels as the status message (and
    // the exact code as a trailer) rather than in the reply's `error` field.
    if (!status.ok()) context->AddTrailingMetadata(kCodeTrailer, StatusCodeName(status.code()));
    if (ticket.admitted) limit_.Release();
    metrics_.Finish(ticket.started, status.code());
  }

  // Finishes the call. Must be the handler's last touch of `this`: once the reactor is finished, Shutdown
  // may return and destroy the service.
  void Finish(grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor, const Ticket& ticket,
              const Status& status) {
    Settle(context, ticket, status);
    reactor->Finish(ToGrpcStatus(status));
  }

  // Runs one unary call: admission, then `start(deadline, done)` to call the engine, then `fill(value)` to write
  // the reply when the engine succeeds, then Finish. RETURNS the reactor gRPC waits on.
  template <typename T, typename Start, typename Fill>
  grpc::ServerUnaryReactor* Handle(grpc::CallbackServerContext* context, Start start, Fill fill) {
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

  grpc::ServerUnaryReactor* Transcribe(grpc::CallbackServerContext* context,
                                       const mpes::stt::TranscribeRequest* request,
                                       mpes::stt::TranscribeReply* reply) override {
    return gate_.Handle<Transcript>(
        context,
        [this, request](Deadline deadline, Callback<Transcript> done) {
          // The request is the call's own message (gRPC hands it over const but never reads it again), so the
          // audio can move instead of being copied, as the REST server's does.
          auto* owned = const_cast<mpes::stt::TranscribeRequest*>(request);
          engine_.Transcribe({std::move(*owned->mutable_audio()), request->filename(), request->content_type()},
                             deadline, std::move(done));
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

GenerationRequest FromWire(const mpes::llm::GenRequest& request) {
  return {request.prompt(), request.max_tokens(),     request.temperature(),      request.top_p(),
          request.top_k(),  request.repeat_penalty(), request.presence_penalty(), request.frequency_penalty()};
}

// One GenerateStream call. The engine hands pieces in on its own thread; gRPC writes one message at a time, so
// pieces that arrive while a write is in flight are joined into the next message, up to stream_buffer_bytes (a
// client that reads slower than that stops the generation with kOverloaded). The call is finished only once the
// engine has called `done` (sooner after a cancellation, since every later piece is refused), so no engine
// callback outlives the reactor, and OnDone deletes it.
class GenerateStreamReactor final : public grpc::ServerWriteReactor<mpes::llm::GenChunk> {
 public:
  GenerateStreamReactor(CallGate& gate, grpc::CallbackServerContext* context, size_t max_pending_bytes)
      : gate_(gate), context_(context), max_pending_bytes_(max_pending_bytes) {}

  // Starts the engine, or finishes at once when the call is refused.
  void Begin(LanguageModel& engine, const mpes::llm::GenRequest& request) {
    Deadline deadline = DeadlineOf(*context_);
    Status refusal;
    ticket_ = gate_.Admit(deadline, refusal);
    if (!ticket_.admitted) {
      gate_.Settle(context_, ticket_, refusal);
      return Finish(ToGrpcStatus(refusal));
    }
    engine.GenerateStreaming(
        FromWire(request), deadline, [this](std::string_view piece) { return Take(piece); },
        [this](Result<Generation> result) { EngineDone(std::move(result)); });
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock lock(mutex_);
    writing_ = false;
    if (!ok) cancelled_ = true;  // the client is gone
    if (engine_done_) {
      lock.unlock();
      return Conclude();
    }
    if (!pending_.empty() && !cancelled_) WriteNext(lock);
  }

  void OnCancel() override {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }

  void OnDone() override { delete this; }

 private:
  // The engine's PieceSink. RETURNS false once the call is cancelled or the client lags too far behind.
  bool Take(std::string_view piece) {
    std::unique_lock lock(mutex_);
    if (cancelled_ || overflowed_) return false;
    if (pending_.size() + piece.size() > max_pending_bytes_) {
      overflowed_ = true;
      return false;
    }
    pending_.append(piece);
    if (!writing_) WriteNext(lock);
    return true;
  }

  // REQUIRES: `lock` held, no write in flight, pending_ not empty. Releases the lock to start the write.
  void WriteNext(std::unique_lock<std::mutex>& lock) {
    chunk_.Clear();
    chunk_.set_piece(std::move(pending_));
    pending_.clear();
    writing_ = true;
    lock.unlock();
    StartWrite(&chunk_);
  }

  void EngineDone(Result<Generation> result) {
    std::unique_lock lock(mutex_);
    result_.emplace(std::move(result));
    engine_done_ = true;
    if (writing_) return;  // OnWriteDone concludes
    lock.unlock();
    Conclude();
  }

  // The engine is done and no write is in flight: send what is left with the last chunk, or the failure.
  void Conclude() {
    std::unique_lock lock(mutex_);
    Status status = result_->status();
    if (status.ok() && overflowed_) {
      status = Status(StatusCode::kOverloaded, "the client read the stream too slowly: more than " +
                                                   std::to_string(max_pending_bytes_) + " bytes of answer waited");
    }
    if (status.ok() && cancelled_) status = Status(StatusCode::kUnavailable, "the call was cancelled");
    gate_.Settle(context_, ticket_, status);
    if (!status.ok()) {
      lock.unlock();
      return Finish(ToGrpcStatus(status));
    }
    chunk_.Clear();
    chunk_.set_piece(std::move(pending_));
    chunk_.set_last(true);
    chunk_.set_language((*result_)->language);
    for (const auto& source : (*result_)->sources) chunk_.add_sources(source);
    lock.unlock();
    StartWriteAndFinish(&chunk_, grpc::WriteOptions(), grpc::Status::OK);
  }

  CallGate& gate_;
  grpc::CallbackServerContext* context_;
  const size_t max_pending_bytes_;
  CallGate::Ticket ticket_;
  std::mutex mutex_;
  std::string pending_;  // pieces not yet handed to gRPC
  mpes::llm::GenChunk chunk_;
  bool writing_ = false;
  bool cancelled_ = false;
  bool overflowed_ = false;
  bool engine_done_ = false;
  std::optional<Result<Generation>> result_;
};

class LlmService final : public mpes::llm::LLMService::CallbackService {
 public:
  LlmService(LanguageModel& engine, const TransportOptions& options)
      : engine_(engine), gate_("llm", options), stream_buffer_bytes_(options.stream_buffer_bytes) {}

  grpc::ServerUnaryReactor* Generate(grpc::CallbackServerContext* context, const mpes::llm::GenRequest* request,
                                     mpes::llm::GenReply* reply) override {
    return gate_.Handle<Generation>(
        context,
        [this, request](Deadline deadline, Callback<Generation> done) {
          engine_.Generate(FromWire(*request), deadline, std::move(done));
        },
        [reply](Generation& generation) {
          reply->set_generated(std::move(generation.text));
          reply->set_language(std::move(generation.language));
          for (auto& source : generation.sources) reply->add_sources(std::move(source));
        });
  }

  grpc::ServerWriteReactor<mpes::llm::GenChunk>* GenerateStream(grpc::CallbackServerContext* context,
                                                                const mpes::llm::GenRequest* request) override {
    auto* reactor = new GenerateStreamReactor(gate_, context, stream_buffer_bytes_);
    reactor->Begin(engine_, *request);
    return reactor;
  }

 private:
  LanguageModel& engine_;
  CallGate gate_;
  const size_t stream_buffer_bytes_;
};

class TtsService final : public mpes::tts::TTSService::CallbackService {
 public:
  TtsService(TextToSpeech& engine, const TransportOptions& options) : engine_(engine), gate_("tts", options) {}

  grpc::ServerUnaryReactor* Synthesize(grpc::CallbackServerContext* context, const mpes::tts::SynthRequest* request,
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
  GrpcServiceServer(std::unique_ptr<grpc::Service> service, std::unique_ptr<grpc::Server> server, uint16_t port)
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
  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Server> server_;
  uint16_t port_;
  std::once_flag shutdown_once_;
};

int SizeLimit(size_t bytes) {
  return static_cast<int>(std::min<size_t>(bytes, INT_MAX));
}

Result<std::unique_ptr<ServiceServer>> Start(std::unique_ptr<grpc::Service> service, const std::string& host,
                                             uint16_t port, const TransportOptions& options) {
  std::string address = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  auto credentials = MakeServerCredentials(options.tls);
  if (!credentials.ok()) return credentials.status();
  ConfigureGrpcRuntime();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(address, *credentials, &bound_port);
  // The 4 MiB default would refuse a long recording or a long answer's WAV.
  builder.SetMaxReceiveMessageSize(SizeLimit(options.max_message_bytes));
  builder.SetMaxSendMessageSize(SizeLimit(options.max_message_bytes));
  // gRPC sets SO_REUSEPORT by default, which would let a second server silently share a busy port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(service.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
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

}  // namespace maestro::grpc_transport
