#include "transport/grpc/grpc_client.h"

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <functional>
#include <string_view>
#include <vector>

#include "net/endpoint_balancer.h"
#include "proto/llm.grpc.pb.h"
#include "proto/stt.grpc.pb.h"
#include "proto/tts.grpc.pb.h"
#include "transport/grpc/grpc_credentials.h"
#include "transport/grpc/grpc_status.h"

namespace maestro::grpc_transport {
namespace {

// HTTP/2 multiplexes any number of calls on one connection; a few connections spread the work over the
// transport's threads without the cost of a connection per call.
constexpr int kMaxChannels = 4;
// The time a TLS connection attempt gets (TCP, handshake and HTTP/2 settings) before gRPC gives up on it.
constexpr int kTlsMinConnectMs = 5000;

struct ChannelTarget {
  std::string target;
  bool balanced = false;  // several addresses (or a name that may have them): round_robin over them
};

// The channel target for `address`: one IP address stays as it is (pick_first, as with a single service); a DNS
// name stays a name (dns:///, re-resolved by gRPC, e.g. a Kubernetes headless Service); a list becomes a static
// list (ipv4:a:p,b:p). RETURNS kInvalidArgument when malformed.
Result<ChannelTarget> TargetFor(const std::string& address) {
  auto endpoints = net::ResolveEndpoints(address);
  if (!endpoints.ok()) return endpoints.status();
  for (const auto& endpoint : *endpoints) {
    if (endpoint.port == 0) return InvalidArgument("address '" + address + "' has port 0");
  }
  auto host_port = SplitHostPort(address);
  in6_addr ignored;
  if (host_port.ok() && address.find(',') == std::string::npos &&
      inet_pton(AF_INET, host_port->first.c_str(), &ignored) != 1 &&
      inet_pton(AF_INET6, host_port->first.c_str(), &ignored) != 1) {
    return ChannelTarget{"dns:///" + address, true};
  }
  if (endpoints->size() == 1) return ChannelTarget{endpoints->front().ToString(), false};
  std::string v4, v6;
  for (const auto& endpoint : *endpoints) {
    std::string& list = endpoint.host.find(':') == std::string::npos ? v4 : v6;
    if (!list.empty()) list += ',';
    list += endpoint.ToString();
  }
  if (!v4.empty() && !v6.empty()) return InvalidArgument("'" + address + "' mixes IPv4 and IPv6 addresses");
  return ChannelTarget{v4.empty() ? "ipv6:" + v6 : "ipv4:" + v4, true};
}

Result<std::vector<std::shared_ptr<grpc::Channel>>> OpenChannels(const std::string& address,
                                                                 const TransportOptions& options) {
  auto target = TargetFor(address);
  if (!target.ok()) return target.status();
  auto credentials = MakeChannelCredentials(options.tls);
  if (!credentials.ok()) return credentials.status();
  int limit = static_cast<int>(std::min<size_t>(options.max_message_bytes, INT_MAX));
  int count = std::clamp(options.client_connections, 1, kMaxChannels);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(limit);
    args.SetMaxSendMessageSize(limit);
    // Without a local pool, channels with equal arguments share one subchannel, i.e. one TCP connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    // A restarted service is back within a second or two; gRPC's default backoff (1 s growing to 120 s)
    // would leave the channel failing long after it returned.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    // gRPC also takes this as the shortest a connection attempt may last: 100 ms covers a plaintext connect,
    // but not a TLS handshake on a busy machine (seen: "timed out before receiving SETTINGS frame").
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, options.tls.enabled() ? kTlsMinConnectMs : 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    // gRPC's own client-side balancing over every address (it skips a subchannel that is not connected).
    if (target->balanced) args.SetLoadBalancingPolicyName("round_robin");
    channels.push_back(grpc::CreateCustomChannel(target->target, *credentials, args));
  }
  return channels;
}

// One outstanding call: gRPC needs the context, request and reply to live until its callback runs.
template <typename Request, typename Reply, typename T>
struct Call {
  grpc::ClientContext context;
  Request request;
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

// Round-robins calls over one stub per channel.
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

class GrpcSttClient final : public SpeechToText {
 public:
  explicit GrpcSttClient(const std::vector<std::shared_ptr<grpc::Channel>>& channels) : stubs_(channels) {}

  void Transcribe(AudioClip clip, Deadline deadline, Callback<Transcript> done) override {
    auto* call = new Call<mpes::stt::TranscribeRequest, mpes::stt::TranscribeReply, Transcript>();
    call->done = std::move(done);
    if (!StartWithin(deadline, call->context, call->done)) return delete call;
    call->request.set_audio(std::move(clip.bytes));
    call->request.set_filename(std::move(clip.filename));
    call->request.set_content_type(std::move(clip.content_type));
    stubs_.Next().async()->Transcribe(&call->context, &call->request, &call->reply, [call](const grpc::Status& grpc) {
      Complete(call, grpc, [](mpes::stt::TranscribeReply& reply) -> Result<Transcript> {
        return Transcript{std::move(*reply.mutable_text()), std::move(*reply.mutable_language()),
                          reply.confidence() > 0 ? reply.confidence() : 1.0};
      });
    });
  }

 private:
  Stubs<mpes::stt::STTService> stubs_;
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
  mpes::llm::GenRequest request;

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
  GrpcLlmClient(const std::vector<std::shared_ptr<grpc::Channel>>& channels, size_t max_answer_bytes)
      : stubs_(channels), max_answer_bytes_(max_answer_bytes) {}

  void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) override {
    auto* call = new Call<mpes::llm::GenRequest, mpes::llm::GenReply, Generation>();
    call->done = std::move(done);
    if (!StartWithin(deadline, call->context, call->done)) return delete call;
    ToWire(std::move(request), call->request);
    stubs_.Next().async()->Generate(&call->context, &call->request, &call->reply, [call](const grpc::Status& grpc) {
      Complete(call, grpc, [](mpes::llm::GenReply& reply) -> Result<Generation> {
        Generation generation{std::move(*reply.mutable_generated()), std::move(*reply.mutable_language()), {}};
        for (auto& source : *reply.mutable_sources()) generation.sources.push_back(std::move(source));
        return generation;
      });
    });
  }

  void GenerateStreaming(GenerationRequest request, Deadline deadline, PieceSink on_piece,
                         Callback<Generation> done) override {
    auto fallback = [this, request, deadline](PieceSink sink, Callback<Generation> report) {
      LanguageModel::GenerateStreaming(request, deadline, std::move(sink), std::move(report));
    };
    if (deadline.expired()) return done(DeadlineExceeded("the budget was spent before the gRPC call was sent"));
    auto* call = new GenerateStreamCall(max_answer_bytes_, std::move(on_piece), std::move(done), std::move(fallback));
    if (!deadline.never()) {
      call->context.set_deadline(
          std::chrono::system_clock::now() +
          std::chrono::duration_cast<std::chrono::system_clock::duration>(deadline.at() - Deadline::Clock::now()));
    }
    ToWire(std::move(request), call->request);
    stubs_.Next().async()->GenerateStream(&call->context, &call->request, call);
    call->Begin();
  }

 private:
  Stubs<mpes::llm::LLMService> stubs_;
  const size_t max_answer_bytes_;
};

class GrpcTtsClient final : public TextToSpeech {
 public:
  explicit GrpcTtsClient(const std::vector<std::shared_ptr<grpc::Channel>>& channels) : stubs_(channels) {}

  void Synthesize(SynthesisRequest request, Deadline deadline, Callback<SpeechAudio> done) override {
    auto* call = new Call<mpes::tts::SynthRequest, mpes::tts::SynthReply, SpeechAudio>();
    call->done = std::move(done);
    if (!StartWithin(deadline, call->context, call->done)) return delete call;
    call->request.set_text(std::move(request.text));
    call->request.set_voice(std::move(request.voice));
    stubs_.Next().async()->Synthesize(&call->context, &call->request, &call->reply, [call](const grpc::Status& grpc) {
      Complete(call, grpc, [](mpes::tts::SynthReply& reply) -> Result<SpeechAudio> {
        return SpeechAudio{std::move(*reply.mutable_audio())};
      });
    });
  }

 private:
  Stubs<mpes::tts::TTSService> stubs_;
};

}  // namespace

Result<std::unique_ptr<SpeechToText>> ConnectStt(const std::string& address, const TransportOptions& options) {
  auto channels = OpenChannels(address, options);
  if (!channels.ok()) return channels.status();
  return std::unique_ptr<SpeechToText>(new GrpcSttClient(*channels));
}

Result<std::unique_ptr<LanguageModel>> ConnectLlm(const std::string& address, const TransportOptions& options) {
  auto channels = OpenChannels(address, options);
  if (!channels.ok()) return channels.status();
  return std::unique_ptr<LanguageModel>(new GrpcLlmClient(*channels, options.max_message_bytes));
}

Result<std::unique_ptr<TextToSpeech>> ConnectTts(const std::string& address, const TransportOptions& options) {
  auto channels = OpenChannels(address, options);
  if (!channels.ok()) return channels.status();
  return std::unique_ptr<TextToSpeech>(new GrpcTtsClient(*channels));
}

}  // namespace maestro::grpc_transport
