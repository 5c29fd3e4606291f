#include "transport/grpc/grpc_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <functional>
#include <string_view>
#include <vector>

#include "net/balanced_call.h"
#include "net/endpoint_balancer.h"
#include "proto/llm.grpc.pb.h"
#include "proto/stt.grpc.pb.h"
#include "proto/tts.grpc.pb.h"
#include "transport/grpc/grpc_credentials.h"
#include "transport/grpc/grpc_runtime.h"
#include "transport/grpc/grpc_status.h"

namespace maestro::grpc_transport {
namespace {

// HTTP/2 multiplexes any number of calls on one connection; a few connections spread the work over the
// transport's threads without the cost of a connection per call.
constexpr int kMaxChannels = 4;
// The time a connection attempt gets (TCP, a TLS handshake, HTTP/2 settings) before gRPC gives up on it. It bounds
// only an attempt that hangs: a refused connect fails at once and is retried after the backoff below.
constexpr int kMinConnectMs = 5000;

// Where one group of channels goes. Each endpoint of an address list gets its own group (pick_first to that one
// address), so the shared net::EndpointBalancer counts its failures and ejects it: gRPC's outlier detection
// (gRFC A50) has no consecutive-failure ejection. A lone DNS name instead stays a name (dns:///, re-resolved by
// gRPC, as a Kubernetes headless Service needs) balanced by gRPC's round_robin, which skips a subchannel that
// cannot connect but ejects nothing.
struct ChannelTarget {
  std::string target;
  bool round_robin = false;
  std::string tls_name;  // the name the server's certificate must carry, when it is not the dialled address
};

// RETURNS the channel groups for `address`, or kInvalidArgument / kUnavailable as net::ResolveEndpoints does.
Result<std::vector<ChannelTarget>> TargetsFor(const std::string& address) {
  auto endpoints = net::ResolveEndpoints(address);
  if (!endpoints.ok()) return endpoints.status();
  for (const auto& endpoint : *endpoints) {
    if (endpoint.port == 0) return InvalidArgument("address '" + address + "' has port 0");
  }
  const auto& first = endpoints->front();
  if (address.find(',') == std::string::npos && first.name != first.host) {
    return std::vector<ChannelTarget>{{"dns:///" + address, true, ""}};
  }
  std::vector<ChannelTarget> targets;
  for (const auto& endpoint : *endpoints) {
    targets.push_back({endpoint.ToString(), false, endpoint.name != endpoint.host ? endpoint.name : ""});
  }
  return targets;
}

// Each channel gets credentials of its own. Channels sharing one TLS certificate provider register their watches
// with its distributor concurrently, and one that connected before the first watch had been served its
// certificates failed with "Failed to create security handshaker" (seen once, under load); a provider with one
// channel has one watch.
Result<std::vector<std::shared_ptr<grpc::Channel>>> OpenChannels(const ChannelTarget& target,
                                                                 const TransportOptions& options) {
  int limit = static_cast<int>(std::min<size_t>(options.max_message_bytes, INT_MAX));
  int count = std::clamp(options.client_connections, 1, kMaxChannels);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  ConfigureGrpcRuntime();
  for (int i = 0; i < count; ++i) {
    auto credentials = MakeChannelCredentials(options.tls);
    if (!credentials.ok()) return credentials.status();
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(limit);
    args.SetMaxSendMessageSize(limit);
    // Without a local pool, channels with equal arguments share one subchannel, i.e. one TCP connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    // A restarted service is back within a second or two; gRPC's default backoff (1 s growing to 120 s)
    // would leave the channel failing long after it returned.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    // gRPC takes this as the shortest a connection attempt may last. 100 ms was too short for a TLS handshake on
    // a busy machine, and for a plaintext one to a service built with ASan under load (both seen: "timed out
    // before receiving SETTINGS frame").
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, kMinConnectMs);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    if (target.round_robin) args.SetLoadBalancingPolicyName("round_robin");
    if (options.tls.enabled() && !target.tls_name.empty()) args.SetSslTargetNameOverride(target.tls_name);
    channels.push_back(grpc::CreateCustomChannel(target.target, *credentials, args));
  }
  return channels;
}

// One outstanding call: gRPC needs the context, request and reply to live until its callback runs.
// The request is shared: a call that could not connect is sent again, unchanged, to another endpoint.
template <typename Request, typename Reply, typename T>
struct Call {
  grpc::ClientContext context;
  std::shared_ptr<const Request> request;
  Reply reply;
  Callback<T> done;
};

// RETURNS false, after failing the call, when its budget is already spent.
template <typename T>
bool StartWithin(const Deadline& deadline, grpc::ClientContext& context, const Callback<T>& done) {
  if (deadline.expired()) {
    done(DeadlineExceeded("the budget was spent before the gRPC call was sent"));
    return false;
  }
  if (!deadline.never()) {
    auto left = deadline.at() - Deadline::Clock::now();
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::duration_cast<std::chrono::system_clock::duration>(left));
  }
  return true;
}

// RETURNS a call carrying `request`, or null after failing `done` when the budget is already spent.
template <typename Request, typename Reply, typename T>
Call<Request, Reply, T>* NewCall(std::shared_ptr<const Request> request, const Deadline& deadline, Callback<T> done) {
  auto* call = new Call<Request, Reply, T>();
  call->request = std::move(request);
  call->done = std::move(done);
  if (StartWithin(deadline, call->context, call->done)) return call;
  delete call;
  return nullptr;
}

// Ends a call: reads the outcome, then frees the call (its ClientContext included) *before* telling the
// caller. A caller that learns of completion may destroy the client and, with the last gRPC object, start
// gRPC's shutdown; a ClientContext still alive at that point trips gRPC's refcount assertions.
template <typename CallT, typename Convert>
void Complete(CallT* call, const grpc::Status& grpc, Convert convert) {
  std::unique_ptr<CallT> owned(call);
  auto done = std::move(owned->done);
  Status status = FromGrpcStatus(grpc, owned->context);
  auto outcome = [&]() -> decltype(convert(owned->reply)) {
    if (!status.ok()) return status;
    if (!owned->reply.error().empty()) return Status(StatusCode::kUpstreamError, owned->reply.error());
    return convert(owned->reply);
  }();
  owned.reset();
  done(std::move(outcome));
}

// Round-robins calls over one stub per channel of one endpoint.
template <typename Service>
class Stubs {
 public:
  using Stub = typename Service::Stub;
  explicit Stubs(const std::vector<std::shared_ptr<grpc::Channel>>& channels) {
    for (const auto& channel : channels) stubs_.push_back(Service::NewStub(channel));
  }
  Stub& Next() { return *stubs_[next_.fetch_add(1, std::memory_order_relaxed) % stubs_.size()]; }

 private:
  std::vector<std::unique_ptr<Stub>> stubs_;
  std::atomic<size_t> next_{0};
};

// Every endpoint's stubs behind net::EndpointBalancer, the policy every protocol's client shares. Nothing gRPC owns
// is kept by a call's callbacks: the client's channels must be the last gRPC objects to go (see Complete).
template <typename Service>
class BalancedStubs {
 public:
  using Stub = typename Service::Stub;
  template <typename T>
  using Start = std::function<void(Stub&, Callback<T>)>;

  explicit BalancedStubs(const std::vector<std::vector<std::shared_ptr<grpc::Channel>>>& endpoints)
      : balancer_(endpoints.size(), {}) {
    for (const auto& channels : endpoints) endpoints_.push_back(std::make_unique<Stubs<Service>>(channels));
  }

  // Runs `start` on the stub of the endpoint the balancer picks; again on another after a failed connect.
  template <typename T>
  void Call(const Deadline& deadline, Start<T> start, Callback<T> done) {
    auto attempt = std::make_shared<std::function<void(size_t, Callback<T>)>>(
        [this, start = std::move(start)](size_t endpoint, Callback<T> on_result) {
          start(endpoints_[endpoint]->Next(), std::move(on_result));
        });
    net::CallBalanced<T>(balancer_, deadline, attempt, std::move(done));
  }

 private:
  net::EndpointBalancer balancer_;
  std::vector<std::unique_ptr<Stubs<Service>>> endpoints_;
};

template <typename Service>
Result<std::unique_ptr<BalancedStubs<Service>>> Connect(const std::string& address, const TransportOptions& options) {
  auto targets = TargetsFor(address);
  if (!targets.ok()) return targets.status();
  std::vector<std::vector<std::shared_ptr<grpc::Channel>>> channels;
  for (const auto& target : *targets) {
    auto opened = OpenChannels(target, options);
    if (!opened.ok()) return opened.status();
    channels.push_back(std::move(opened).value());
  }
  return std::make_unique<BalancedStubs<Service>>(channels);
}

class GrpcSttClient final : public SpeechToText {
 public:
  using Service = mpes::stt::STTService;
  explicit GrpcSttClient(std::unique_ptr<BalancedStubs<Service>> stubs) : stubs_(std::move(stubs)) {}

  void Transcribe(AudioClip clip, Deadline deadline, Callback<Transcript> done) override {
    auto request = std::make_shared<mpes::stt::TranscribeRequest>();
    request->set_audio(std::move(clip.bytes));
    request->set_filename(std::move(clip.filename));
    request->set_content_type(std::move(clip.content_type));
    auto start = [request, deadline](Service::Stub& stub, Callback<Transcript> on_result) {
      auto* call = NewCall<mpes::stt::TranscribeRequest, mpes::stt::TranscribeReply, Transcript>(request, deadline,
                                                                                                 std::move(on_result));
      if (call == nullptr) return;
      stub.async()->Transcribe(&call->context, call->request.get(), &call->reply, [call](const grpc::Status& grpc) {
        Complete(call, grpc, [](mpes::stt::TranscribeReply& reply) -> Result<Transcript> {
          return Transcript{std::move(*reply.mutable_text()), std::move(*reply.mutable_language()),
                            reply.confidence() > 0 ? reply.confidence() : 1.0};
        });
      });
    };
    stubs_->Call<Transcript>(deadline, std::move(start), std::move(done));
  }

 private:
  std::unique_ptr<BalancedStubs<Service>> stubs_;
};

void ToWire(GenerationRequest request, mpes::llm::GenRequest& wire) {
  wire.set_prompt(std::move(request.prompt));
  wire.set_max_tokens(request.max_tokens);
  wire.set_temperature(request.temperature);
  wire.set_top_p(request.top_p);
  wire.set_top_k(request.top_k);
  wire.set_repeat_penalty(request.repeat_penalty);
  wire.set_presence_penalty(request.presence_penalty);
  wire.set_frequency_penalty(request.frequency_penalty);
}

// One GenerateStream call: hands each chunk's piece to the sink as it arrives, cancels the call (TryCancel) when
// the sink refuses one or the answer outgrows the message limit; gRPC itself cancels it at the deadline. A server
// without GenerateStream (the thesis's) answers UNIMPLEMENTED before any chunk: the call then falls back to the
// unary Generate, whose whole answer is one piece. Deletes itself once it has reported.
class GenerateStreamCall final : public grpc::ClientReadReactor<mpes::llm::GenChunk> {
 public:
  using Fallback = std::function<void(LanguageModel::PieceSink, Callback<Generation>)>;

  GenerateStreamCall(size_t max_answer_bytes, LanguageModel::PieceSink on_piece, Callback<Generation> done,
                     Fallback fallback)
      : max_answer_bytes_(max_answer_bytes),
        on_piece_(std::move(on_piece)),
        done_(std::move(done)),
        fallback_(std::move(fallback)) {}

  grpc::ClientContext context;

  // REQUIRES: the call was bound to this reactor (stub->async()->GenerateStream).
  void Begin() {
    StartRead(&chunk_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream ended; OnDone follows
    ++chunks_;
    const std::string& piece = chunk_.piece();
    if (!piece.empty()) {
      if (generation_.text.size() + piece.size() > max_answer_bytes_) {
        refusal_ = Status(StatusCode::kPayloadTooLarge,
                          "streamed answer above " + std::to_string(max_answer_bytes_) + " bytes");
        return context.TryCancel();
      }
      generation_.text += piece;
      if (!on_piece_(piece)) {
        stopped_ = true;
        return context.TryCancel();
      }
    }
    if (chunk_.last()) {
      last_seen_ = true;
      generation_.language = std::move(*chunk_.mutable_language());
      for (auto& source : *chunk_.mutable_sources()) generation_.sources.push_back(std::move(source));
    }
    StartRead(&chunk_);
  }

  void OnDone(const grpc::Status& grpc) override {
    std::unique_ptr<GenerateStreamCall> owned(this);
    Result<Generation> outcome = Outcome(grpc);
    if (grpc.error_code() == grpc::StatusCode::UNIMPLEMENTED && chunks_ == 0) {
      auto fallback = std::move(fallback_);
      auto on_piece = std::move(on_piece_);
      auto done = std::move(done_);
      owned.reset();  // frees the ClientContext before the next call, as Complete does
      return fallback(std::move(on_piece), std::move(done));
    }
    auto done = std::move(done_);
    owned.reset();
    done(std::move(outcome));
  }

 private:
  Result<Generation> Outcome(const grpc::Status& grpc) {
    if (stopped_) return std::move(generation_);  // the listener stopped it: what was produced so far
    if (!refusal_.ok()) return refusal_;
    Status status = FromGrpcStatus(grpc, context);
    if (!status.ok()) return status;
    if (!last_seen_) return Status(StatusCode::kUpstreamError, "the stream ended without its last chunk");
    return std::move(generation_);
  }

  const size_t max_answer_bytes_;
  LanguageModel::PieceSink on_piece_;
  Callback<Generation> done_;
  Fallback fallback_;
  mpes::llm::GenChunk chunk_;
  Generation generation_;
  int64_t chunks_ = 0;
  bool stopped_ = false;
  bool last_seen_ = false;
  Status refusal_;
};

class GrpcLlmClient final : public LanguageModel {
 public:
  using Service = mpes::llm::LLMService;
  GrpcLlmClient(std::unique_ptr<BalancedStubs<Service>> stubs, size_t max_answer_bytes)
      : stubs_(std::move(stubs)), max_answer_bytes_(max_answer_bytes) {}

  void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) override {
    auto wire = std::make_shared<mpes::llm::GenRequest>();
    ToWire(std::move(request), *wire);
    auto start = [wire, deadline](Service::Stub& stub, Callback<Generation> on_result) {
      auto* call =
          NewCall<mpes::llm::GenRequest, mpes::llm::GenReply, Generation>(wire, deadline, std::move(on_result));
      if (call == nullptr) return;
      stub.async()->Generate(&call->context, call->request.get(), &call->reply, [call](const grpc::Status& grpc) {
        Complete(call, grpc, [](mpes::llm::GenReply& reply) -> Result<Generation> {
          Generation generation{std::move(*reply.mutable_generated()), std::move(*reply.mutable_language()), {}};
          for (auto& source : *reply.mutable_sources()) generation.sources.push_back(std::move(source));
          return generation;
        });
      });
    };
    stubs_->Call<Generation>(deadline, std::move(start), std::move(done));
  }

  // A stream that could not connect is retried on another endpoint like a unary call: no piece has reached the
  // sink then, so the sink is shared by the attempts.
  void GenerateStreaming(GenerationRequest request, Deadline deadline, PieceSink on_piece,
                         Callback<Generation> done) override {
    if (deadline.expired()) return done(DeadlineExceeded("the budget was spent before the gRPC call was sent"));
    auto fallback = [this, request, deadline](PieceSink sink, Callback<Generation> report) {
      LanguageModel::GenerateStreaming(request, deadline, std::move(sink), std::move(report));
    };
    auto wire = std::make_shared<mpes::llm::GenRequest>();
    ToWire(std::move(request), *wire);
    auto sink = std::make_shared<PieceSink>(std::move(on_piece));
    auto start = [max_answer_bytes = max_answer_bytes_, wire, deadline, sink, fallback](
                     Service::Stub& stub, Callback<Generation> on_result) {
      auto* call = new GenerateStreamCall(
          max_answer_bytes, [sink](std::string_view piece) { return (*sink)(piece); }, std::move(on_result), fallback);
      if (!deadline.never()) {
        call->context.set_deadline(
            std::chrono::system_clock::now() +
            std::chrono::duration_cast<std::chrono::system_clock::duration>(deadline.at() - Deadline::Clock::now()));
      }
      stub.async()->GenerateStream(&call->context, wire.get(), call);
      call->Begin();
    };
    stubs_->Call<Generation>(deadline, std::move(start), std::move(done));
  }

 private:
  std::unique_ptr<BalancedStubs<Service>> stubs_;
  const size_t max_answer_bytes_;
};

class GrpcTtsClient final : public TextToSpeech {
 public:
  using Service = mpes::tts::TTSService;
  explicit GrpcTtsClient(std::unique_ptr<BalancedStubs<Service>> stubs) : stubs_(std::move(stubs)) {}

  void Synthesize(SynthesisRequest request, Deadline deadline, Callback<SpeechAudio> done) override {
    auto wire = std::make_shared<mpes::tts::SynthRequest>();
    wire->set_text(std::move(request.text));
    wire->set_voice(std::move(request.voice));
    auto start = [wire, deadline](Service::Stub& stub, Callback<SpeechAudio> on_result) {
      auto* call =
          NewCall<mpes::tts::SynthRequest, mpes::tts::SynthReply, SpeechAudio>(wire, deadline, std::move(on_result));
      if (call == nullptr) return;
      stub.async()->Synthesize(&call->context, call->request.get(), &call->reply, [call](const grpc::Status& grpc) {
        Complete(call, grpc, [](mpes::tts::SynthReply& reply) -> Result<SpeechAudio> {
          return SpeechAudio{std::move(*reply.mutable_audio())};
        });
      });
    };
    stubs_->Call<SpeechAudio>(deadline, std::move(start), std::move(done));
  }

 private:
  std::unique_ptr<BalancedStubs<Service>> stubs_;
};

}  // namespace

Result<std::unique_ptr<SpeechToText>> ConnectStt(const std::string& address, const TransportOptions& options) {
  auto stubs = Connect<mpes::stt::STTService>(address, options);
  if (!stubs.ok()) return stubs.status();
  return std::unique_ptr<SpeechToText>(new GrpcSttClient(std::move(*stubs)));
}

Result<std::unique_ptr<LanguageModel>> ConnectLlm(const std::string& address, const TransportOptions& options) {
  auto stubs = Connect<mpes::llm::LLMService>(address, options);
  if (!stubs.ok()) return stubs.status();
  return std::unique_ptr<LanguageModel>(new GrpcLlmClient(std::move(*stubs), options.max_message_bytes));
}

Result<std::unique_ptr<TextToSpeech>> ConnectTts(const std::string& address, const TransportOptions& options) {
  auto stubs = Connect<mpes::tts::TTSService>(address, options);
  if (!stubs.ok()) return stubs.status();
  return std::unique_ptr<TextToSpeech>(new GrpcTtsClient(std::move(*stubs)));
}

}  // namespace maestro::grpc_transport
