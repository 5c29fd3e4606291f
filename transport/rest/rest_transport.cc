#include "transport/rest/rest_transport.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "common/parse_number.h"
#include "metrics/metrics.h"
#include "net/admin_routes.h"
#include "net/balanced_call.h"
#include "net/endpoint_balancer.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "net/multipart.h"
#include "net/tls_context.h"
#include "transport/rest/generate_stream.h"
#include "transport/rest/rest_json.h"

namespace maestro::rest {
namespace {

using json = nlohmann::json;
namespace http = net::http;

void SetDeadline(net::HttpRequest& request, const Deadline& deadline) {
  if (!deadline.never()) request.set(net::kDeadlineHeader, std::to_string(deadline.remaining_ms()));
}

std::string_view Path(const net::HttpRequest& request) {
  std::string_view target(request.target().data(), request.target().size());
  return target.substr(0, target.find('?'));
}

// Serves one engine kind: routes admin paths, enforces the in-flight limit, counts metrics, and hands the
// request to `serve`, which must answer through the given Respond exactly once.
class RestServiceServer final : public ServiceServer {
 public:
  using Serve = std::function<void(net::HttpRequest&&, net::Respond)>;
  // Picks a streamed handler for a request (or none), given the service's metrics.
  using StreamRoute = std::function<net::TakeOverHandler(const net::HttpRequest&, metrics::RequestMetrics&)>;

  static Result<std::unique_ptr<ServiceServer>> Start(const std::string& service, const std::string& route,
                                                      const std::string& host, uint16_t port,
                                                      const TransportOptions& options, Serve serve,
                                                      StreamRoute stream_route = {}) {
    auto server = std::unique_ptr<RestServiceServer>(new RestServiceServer(service));
    net::HttpServerOptions http_options;
    http_options.host = host;
    http_options.port = port;
    http_options.threads = options.server_threads;
    http_options.body_limit = options.max_message_bytes;
    // Services refuse the excess at once, as the gRPC and Thrift servers do; queueing is Maestro's job.
    http_options.max_inflight = static_cast<size_t>(options.max_inflight);
    http_options.max_queued = 0;
    http_options.tls = options.tls;
    RestServiceServer* self = server.get();
    auto started = net::HttpServer::Start(
        http_options,
        [self, route, serve = std::move(serve)](net::HttpRequest&& request, const net::Respond& respond) {
          if (net::HandleAdminRoute(request, respond, self->ready_)) return;
          if (Path(request) != route) {
            return respond(net::ErrorResponse(Status(StatusCode::kNotFound, "no route " + std::string(Path(request)))));
          }
          if (request.method() != http::verb::post) {
            return respond(net::ErrorResponse(InvalidArgument(route + " takes POST")));
          }
          auto started_at = self->metrics_.Start();
          serve(std::move(request), [self, started_at, respond](net::HttpResponse response) {
            auto code = response.result_int() < 400 ? StatusCode::kOk : net::StatusFromErrorResponse(response).code();
            self->metrics_.Finish(started_at, code);
            respond(std::move(response));
          });
        },
        [self, stream_route = std::move(stream_route)](const net::HttpRequest& request) {
          return stream_route ? stream_route(request, self->metrics_) : net::TakeOverHandler{};
        });
    if (!started.ok()) return started.status();
    server->http_ = std::move(started).value();
    server->ready_ = true;
    return std::unique_ptr<ServiceServer>(std::move(server));
  }

  uint16_t port() const override { return http_->port(); }
  void Shutdown() override { http_->Shutdown(); }

 private:
  explicit RestServiceServer(const std::string& service) : metrics_(service, "rest") {}

  metrics::RequestMetrics metrics_;
  std::atomic<bool> ready_{false};
  std::unique_ptr<net::HttpServer> http_;
};

net::HttpResponse JsonOk(const json& body) {
  return net::JsonResponse(body.dump(-1, ' ', false, json::error_handler_t::replace));
}

// ---- clients -------------------------------------------------------------------------------------------

// A pool of keep-alive connections per endpoint, balanced by net::EndpointBalancer (the policy every protocol shares).
class RestClientBase {
 public:
  // `tls`: every endpoint's client speaks HTTPS with it (null: plaintext).
  RestClientBase(const std::vector<net::Endpoint>& endpoints, const TransportOptions& options,
                 const std::shared_ptr<boost::asio::ssl::context>& tls)
      : balancer_(endpoints.size(), {}) {
    for (const auto& endpoint : endpoints) {
      clients_.push_back(std::make_unique<net::HttpClient>(endpoint.host, endpoint.port,
                                                           net::HttpClientOptions{
                                                               .max_connections = options.client_connections,
                                                               .body_limit = options.max_message_bytes,
                                                               .threads = 1,
                                                               .tls = tls,
                                                               .run_on_caller_loop = true,
                                                           }));
    }
  }

 protected:
  // POSTs and hands a 2xx response to `on_ok`; maps everything else to the remote's typed error.
  void Post(net::HttpRequest request, Deadline deadline, std::function<void(Result<net::HttpResponse>)> on_done) {
    if (deadline.expired()) return on_done(DeadlineExceeded("no time budget left for the call"));
    SetDeadline(request, deadline);
    // With one endpoint nothing is retried, so the request moves instead of being copied per attempt.
    auto shared = std::make_shared<net::HttpRequest>(std::move(request));
    bool single = clients_.size() == 1;
    // The remote's typed error is known per attempt, so the balancer sees what each endpoint answered.
    auto attempt = std::make_shared<std::function<void(size_t, std::function<void(Result<net::HttpResponse>)>)>>(
        [this, shared, single, deadline](size_t endpoint, std::function<void(Result<net::HttpResponse>)> done) {
          clients_[endpoint]->Send(single ? std::move(*shared) : net::HttpRequest(*shared), deadline,
                                   [done = std::move(done)](Result<net::HttpResponse> result) {
                                     if (result.ok() && result->result_int() >= 300) {
                                       return done(net::StatusFromErrorResponse(*result));
                                     }
                                     done(std::move(result));
                                   });
        });
    net::CallBalanced<net::HttpResponse>(balancer_, deadline, attempt, std::move(on_done));
  }

  // POSTs and hands a 2xx response's body to `on_body` as it arrives (net::HttpClient::SendStreaming), then the
  // head to `on_done`; maps any other status to the remote's typed error.
  void PostStreaming(net::HttpRequest request, Deadline deadline, net::HttpClient::BodySink on_body,
                     std::function<void(Result<net::HttpResponse>)> on_done) {
    if (deadline.expired()) return on_done(DeadlineExceeded("no time budget left for the call"));
    SetDeadline(request, deadline);
    auto shared = std::make_shared<net::HttpRequest>(std::move(request));
    // Only a connect failure is retried on another endpoint: nothing reached the sink then.
    auto attempt = std::make_shared<std::function<void(size_t, std::function<void(Result<net::HttpResponse>)>)>>(
        [this, shared, deadline, on_body = std::move(on_body)](size_t endpoint,
                                                               std::function<void(Result<net::HttpResponse>)> done) {
          clients_[endpoint]->SendStreaming(net::HttpRequest(*shared), deadline, on_body,
                                            [done = std::move(done)](Result<net::HttpResponse> result) {
                                              if (result.ok() && result->result_int() >= 300) {
                                                return done(net::StatusFromErrorResponse(*result));
                                              }
                                              done(std::move(result));
                                            });
        });
    net::CallBalanced<net::HttpResponse>(balancer_, deadline, attempt, std::move(on_done));
  }

  static net::HttpRequest NewPost(const char* target) {
    net::HttpRequest request{http::verb::post, target, 11};
    request.keep_alive(true);
    return request;
  }

 private:
  net::EndpointBalancer balancer_;
  std::vector<std::unique_ptr<net::HttpClient>> clients_;
};

class RestSpeechToText final : public SpeechToText, private RestClientBase {
 public:
  using RestClientBase::RestClientBase;

  void Transcribe(AudioClip clip, Deadline deadline, Callback<Transcript> done) override {
    auto request = NewPost("/transcribe");
    std::string content_type;
    request.body() =
        net::BuildMultipartFile("file", clip.filename.empty() ? "audio.wav" : clip.filename,
                                clip.content_type.empty() ? "audio/wav" : clip.content_type, clip.bytes, content_type);
    request.set(http::field::content_type, content_type);
    Post(std::move(request), deadline, [done = std::move(done)](Result<net::HttpResponse> response) {
      if (!response.ok()) return done(response.status());
      done(ParseTranscribeReply(response->body()));
    });
  }
};

// Reads the NDJSON lines of a streamed /generate as they arrive. A server that ignores the Accept header (the
// thesis's) answers one JSON reply instead; its text then becomes one piece.
class GenerateStreamReader {
 public:
  explicit GenerateStreamReader(LanguageModel::PieceSink on_piece) : on_piece_(std::move(on_piece)) {}

  // The HttpClient's BodySink. RETURNS false to stop reading.
  bool Take(const net::HttpResponse& head, std::string_view data) {
    if (!mode_) {
      auto type = head[http::field::content_type];
      mode_ = std::string_view(type.data(), type.size()).find(kNdjson) != std::string_view::npos ? kLines : kWhole;
    }
    buffer_.append(data);
    if (mode_ == kWhole) return true;
    size_t start = 0;
    for (size_t end; (end = buffer_.find('\n', start)) != std::string::npos; start = end + 1) {
      if (!TakeLine(std::string_view(buffer_).substr(start, end - start))) return false;
    }
    buffer_.erase(0, start);
    return true;
  }

  // RETURNS the outcome once the response ended (`head` is what SendStreaming reported).
  Result<Generation> Finish(const Result<net::HttpResponse>& head) {
    if (stopped_) return std::move(generation_);  // the listener stopped it: what was produced so far
    if (!failure_.ok()) return failure_;
    if (!head.ok()) return head.status();
    if (mode_ != kLines) {
      auto whole = ParseGenerateReply(buffer_);
      if (whole.ok() && !whole->text.empty()) on_piece_(whole->text);
      return whole;
    }
    if (!buffer_.empty() || !done_)
      return Status(StatusCode::kUpstreamError, "the llm stream ended without its last line");
    return std::move(generation_);
  }

 private:
  enum Mode { kLines, kWhole };

  bool TakeLine(std::string_view line) {
    if (done_) return Fail(Status(StatusCode::kUpstreamError, "the llm stream went on after its last line"));
    auto parsed = ParseStreamLine(line);
    if (!parsed.ok()) return Fail(parsed.status());
    switch (parsed->kind) {
      case StreamLine::Kind::kPiece:
        generation_.text += parsed->piece;
        if (on_piece_(parsed->piece)) return true;
        stopped_ = true;
        return false;
      case StreamLine::Kind::kError:
        return Fail(parsed->error);
      case StreamLine::Kind::kDone:
        generation_.language = std::move(parsed->generation.language);
        generation_.sources = std::move(parsed->generation.sources);
        done_ = true;
        return true;
    }
    return true;
  }

  bool Fail(Status status) {
    failure_ = std::move(status);
    return false;
  }

  LanguageModel::PieceSink on_piece_;
  std::optional<Mode> mode_;
  std::string buffer_;  // an incomplete line, or the whole reply of a server that does not stream
  Generation generation_;
  bool done_ = false;
  bool stopped_ = false;
  Status failure_;
};

class RestLanguageModel final : public LanguageModel, private RestClientBase {
 public:
  using RestClientBase::RestClientBase;

  void Generate(GenerationRequest generation, Deadline deadline, Callback<Generation> done) override {
    auto request = NewPost("/generate");
    request.set(http::field::content_type, "application/json");
    request.body() = GenerateRequestJson(generation);
    Post(std::move(request), deadline, [done = std::move(done)](Result<net::HttpResponse> response) {
      if (!response.ok()) return done(response.status());
      done(ParseGenerateReply(response->body()));
    });
  }

  void GenerateStreaming(GenerationRequest generation, Deadline deadline, PieceSink on_piece,
                         Callback<Generation> done) override {
    auto request = NewPost("/generate");
    request.set(http::field::content_type, "application/json");
    request.set(http::field::accept, kNdjson);
    request.body() = GenerateRequestJson(generation);
    auto reader = std::make_shared<GenerateStreamReader>(std::move(on_piece));
    PostStreaming(
        std::move(request), deadline,
        [reader](const net::HttpResponse& head, std::string_view data) { return reader->Take(head, data); },
        [reader, done = std::move(done)](const Result<net::HttpResponse>& head) { done(reader->Finish(head)); });
  }
};

class RestTextToSpeech final : public TextToSpeech, private RestClientBase {
 public:
  using RestClientBase::RestClientBase;

  void Synthesize(SynthesisRequest synthesis, Deadline deadline, Callback<SpeechAudio> done) override {
    auto request = NewPost("/synthesize");
    request.set(http::field::content_type, "application/json");
    request.body() = SynthesizeRequestJson(synthesis);
    Post(std::move(request), deadline, [done = std::move(done)](Result<net::HttpResponse> response) {
      if (!response.ok()) return done(response.status());
      done(SpeechAudio{std::move(response->body())});
    });
  }
};

// ---- server handlers -----------------------------------------------------------------------------------

class RestTransport final : public Transport {
 public:
  explicit RestTransport(TransportOptions options) : options_(std::move(options)) {}

  std::string name() const override { return "rest"; }

  Result<std::unique_ptr<ServiceServer>> ServeStt(SpeechToText& engine, const std::string& host,
                                                  uint16_t port) override {
    return RestServiceServer::Start(
        "stt", "/transcribe", host, port, options_, [&engine](net::HttpRequest&& request, const net::Respond& respond) {
          auto content_type = request[http::field::content_type];
          auto parts = net::ParseMultipart(request.body(), std::string_view(content_type.data(), content_type.size()));
          if (!parts.ok()) return respond(net::ErrorResponse(parts.status()));
          const net::FormPart* file = nullptr;
          for (const auto& part : *parts) {
            if (part.name == "file") file = &part;
          }
          if (file == nullptr) return respond(net::ErrorResponse(InvalidArgument("multipart field 'file' is missing")));
          if (file->data.empty()) return respond(net::ErrorResponse(InvalidArgument("uploaded file is empty")));
          auto deadline = DeadlineFrom(request);
          if (!deadline.ok()) return respond(net::ErrorResponse(deadline.status()));
          AudioClip clip{std::string(file->data), file->filename, file->content_type};
          engine.Transcribe(std::move(clip), *deadline, [respond](Result<Transcript> transcript) {
            if (!transcript.ok()) return respond(net::ErrorResponse(transcript.status()));
            respond(JsonOk({{"text", transcript->text},
                            {"language", transcript->language},
                            {"confidence", transcript->confidence}}));
          });
        });
  }

  Result<std::unique_ptr<ServiceServer>> ServeLlm(LanguageModel& engine, const std::string& host,
                                                  uint16_t port) override {
    const size_t max_pending = options_.stream_buffer_bytes;
    return RestServiceServer::Start(
        "llm", "/generate", host, port, options_,
        [&engine](net::HttpRequest&& request, const net::Respond& respond) {
          auto generation = ParseGenerateRequest(request.body());
          if (!generation.ok()) return respond(net::ErrorResponse(generation.status()));
          auto deadline = DeadlineFrom(request);
          if (!deadline.ok()) return respond(net::ErrorResponse(deadline.status()));
          std::string prompt = generation->prompt;
          engine.Generate(std::move(generation).value(), *deadline,
                          [respond, prompt = std::move(prompt)](Result<Generation> answer) {
                            if (!answer.ok()) return respond(net::ErrorResponse(answer.status()));
                            respond(JsonOk({{"prompt", prompt},
                                            {"generated", answer->text},
                                            {"language", answer->language},
                                            {"sources", answer->sources}}));
                          });
        },
        [&engine, max_pending](const net::HttpRequest& request, metrics::RequestMetrics& metrics) {
          if (!WantsGenerateStream(request)) return net::TakeOverHandler{};
          return net::TakeOverHandler([&engine, &metrics, max_pending](net::HttpRequest r, net::ConnectionStream s,
                                                                       std::shared_ptr<net::ConnectionContext> c) {
            return ServeGenerateStream(engine, metrics, max_pending, std::move(r), std::move(s), std::move(c));
          });
        });
  }

  Result<std::unique_ptr<ServiceServer>> ServeTts(TextToSpeech& engine, const std::string& host,
                                                  uint16_t port) override {
    return RestServiceServer::Start(
        "tts", "/synthesize", host, port, options_, [&engine](net::HttpRequest&& request, const net::Respond& respond) {
          auto synthesis = ParseSynthesizeRequest(request.body());
          if (!synthesis.ok()) return respond(net::ErrorResponse(synthesis.status()));
          auto deadline = DeadlineFrom(request);
          if (!deadline.ok()) return respond(net::ErrorResponse(deadline.status()));
          engine.Synthesize(std::move(synthesis).value(), *deadline, [respond](Result<SpeechAudio> speech) {
            if (!speech.ok()) return respond(net::ErrorResponse(speech.status()));
            net::HttpResponse response{http::status::ok, 11};
            response.set(http::field::content_type, "audio/wav");
            response.body() = std::move(speech->wav);
            respond(std::move(response));
          });
        });
  }

  Result<std::unique_ptr<SpeechToText>> ConnectStt(const std::string& address) override {
    auto endpoints = net::ResolveEndpoints(address);
    if (!endpoints.ok()) return endpoints.status();
    auto tls = ClientTls();
    if (!tls.ok()) return tls.status();
    return std::unique_ptr<SpeechToText>(new RestSpeechToText(*endpoints, options_, *tls));
  }
  Result<std::unique_ptr<LanguageModel>> ConnectLlm(const std::string& address) override {
    auto endpoints = net::ResolveEndpoints(address);
    if (!endpoints.ok()) return endpoints.status();
    auto tls = ClientTls();
    if (!tls.ok()) return tls.status();
    return std::unique_ptr<LanguageModel>(new RestLanguageModel(*endpoints, options_, *tls));
  }
  Result<std::unique_ptr<TextToSpeech>> ConnectTts(const std::string& address) override {
    auto endpoints = net::ResolveEndpoints(address);
    if (!endpoints.ok()) return endpoints.status();
    auto tls = ClientTls();
    if (!tls.ok()) return tls.status();
    return std::unique_ptr<TextToSpeech>(new RestTextToSpeech(*endpoints, options_, *tls));
  }

 private:
  // RETURNS the clients' TLS context (null when TLS is off), or kInvalidArgument for bad files.
  Result<std::shared_ptr<boost::asio::ssl::context>> ClientTls() const {
    if (!options_.tls.enabled()) return std::shared_ptr<boost::asio::ssl::context>();
    auto context = net::MakeTlsContext(options_.tls, tls::TlsRole::kClient);
    if (!context.ok()) return context.status();
    return std::shared_ptr<boost::asio::ssl::context>(std::move(context).value());
  }

  TransportOptions options_;
};

}  // namespace

std::unique_ptr<Transport> CreateTransport(const TransportOptions& options) {
  return std::make_unique<RestTransport>(options);
}

}  // namespace maestro::rest
