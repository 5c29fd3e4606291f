#include "orchestrator/assist_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/beast/core/detail/base64.hpp>
#include <nlohmann/json.hpp>

#include "metrics/metrics.h"
#include "net/admin_routes.h"
#include "net/http_server.h"
#include "orchestrator/ask_body.h"
#include "orchestrator/rate_limiter.h"
#include "orchestrator/upload.h"

namespace maestro {
namespace {

using json = nlohmann::json;
namespace http = net::http;

std::string Base64(const std::string& data) {
  std::string out(boost::beast::detail::base64::encoded_size(data.size()), '\0');
  out.resize(boost::beast::detail::base64::encode(out.data(), data.data(), data.size()));
  return out;
}

std::string_view Path(const net::HttpRequest& request) {
  std::string_view target(request.target().data(), request.target().size());
  return target.substr(0, target.find('?'));
}

}  // namespace

Status ClientFacingStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kUnsupportedMedia:
    case StatusCode::kPayloadTooLarge:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kOverloaded:
      return status;
    default:
      return Status(StatusCode::kUpstreamError, status.message(), status.hop());
  }
}

net::HttpResponse Refusal(http::status status, const std::string& code, const std::string& message) {
  return net::JsonResponse(json{{"error", message}, {"code", code}}.dump(), status);
}

struct AssistServer::Impl {
  Pipeline& pipeline;
  AssistServerOptions options;
  metrics::RequestMetrics metrics{"maestro", "http"};
  std::atomic<bool> ready{false};
  std::unique_ptr<StreamRoutes> streams;  // null without a streaming pipeline
  std::unique_ptr<net::HttpServer> http;
  std::unique_ptr<RateLimiter> limiter;

  Impl(Pipeline& p, const AssistServerOptions& o) : pipeline(p), options(o) {
    if (options.rate_limit > 0) {
      limiter = std::make_unique<RateLimiter>(options.rate_limit,
                                              options.rate_burst > 0 ? options.rate_burst : options.rate_limit);
    }
  }

  // RETURNS the refusal for a caller without a valid key or over its rate, or nothing when it may go on.
  std::optional<net::HttpResponse> Admit(const net::HttpRequest& request);

  void Handle(net::HttpRequest&& request, net::Respond respond);
};

std::optional<net::HttpResponse> AssistServer::Impl::Admit(const net::HttpRequest& request) {
  std::string caller = "anonymous";
  if (options.api_keys) {
    auto header = request[http::field::authorization];
    const std::string_view token = BearerToken(std::string_view(header.data(), header.size()));
    auto name = token.empty() ? std::nullopt : options.api_keys->Find(token);
    if (!name) {
      auto response = Refusal(http::status::unauthorized, "unauthenticated",
                              "send a valid API key as 'Authorization: Bearer <key>'");
      response.set(http::field::www_authenticate, "Bearer");
      return response;
    }
    caller = std::move(*name);
  }
  if (limiter) {
    const auto wait = limiter->Take(caller);
    if (wait > RateLimiter::Clock::duration::zero()) {
      const auto seconds = std::chrono::ceil<std::chrono::seconds>(wait).count();
      auto response = Refusal(http::status::too_many_requests, "rate_limited",
                              "over " + fmt::format("{:g}", options.rate_limit) + " requests per second");
      response.set(http::field::retry_after, std::to_string(std::max<int64_t>(1, seconds)));
      return response;
    }
  }
  return std::nullopt;
}

void AssistServer::Impl::Handle(net::HttpRequest&& request, net::Respond respond) {
  if (options.admin_routes && net::HandleAdminRoute(request, respond, ready)) return;
  if (streams) {
    if (auto page = StreamRoutes::Page(request)) return respond(std::move(*page));
  }
  if (auto refusal = Admit(request)) return respond(std::move(*refusal));
  const std::string_view path = Path(request);
  if (path != "/assist" && path != "/ask") {
    return respond(net::ErrorResponse(Status(StatusCode::kNotFound, "no route " + std::string(path))));
  }
  if (request.method() != http::verb::post) {
    return respond(net::ErrorResponse(InvalidArgument(std::string(path) + " takes POST")));
  }
  const bool want_json = Accepts(request, "application/json");
  const Deadline deadline = RequestDeadline(request, options.timeout);

  auto started = metrics.Start();
  auto finish = [this, started, want_json, respond](Result<AssistOutcome> outcome) {
    if (!outcome.ok()) {
      Status status = ClientFacingStatus(outcome.status());
      metrics.Finish(started, status.code());
      spdlog::info("assist failed: {}", outcome.status().ToString());
      return respond(net::ErrorResponse(status));
    }
    metrics.Finish(started, StatusCode::kOk);
    if (options.log_content) {
      spdlog::info("assist transcript='{}' answer='{}'", outcome->transcript.text, outcome->answer.text);
    }
    const auto& t = outcome->timings;
    net::HttpResponse response{http::status::ok, 11};
    response.set("X-Maestro-Timings-Ms", fmt::format("stt={:.3f};llm={:.3f};tts={:.3f};total={:.3f}", t.stt_ms,
                                                     t.llm_ms, t.tts_ms, t.total_ms));
    if (want_json) {
      json body = {{"transcript", outcome->transcript.text},
                   {"answer", outcome->answer.text},
                   {"language", outcome->answer.language},
                   {"sources", outcome->answer.sources},
                   {"audio_wav_base64", Base64(outcome->speech.wav)},
                   {"timings_ms", {{"stt", t.stt_ms}, {"llm", t.llm_ms}, {"tts", t.tts_ms}, {"total", t.total_ms}}}};
      response.set(http::field::content_type, "application/json");
      // Engines behind Thrift may hand back bytes that are not UTF-8; they must not make the answer throw.
      response.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
    } else {
      response.set(http::field::content_type, "audio/wav");
      response.body() = std::move(outcome->speech.wav);
    }
    respond(std::move(response));
  };

  if (path == "/ask") {
    auto question = ParseAskBody(request.body());
    if (!question.ok()) return finish(question.status());
    return pipeline.AssistText(std::move(question).value(), deadline, finish);
  }
  auto clip = ReadAudioUpload(request, options.max_upload_bytes);
  if (!clip.ok()) return finish(clip.status());
  pipeline.Assist(std::move(clip).value(), deadline, finish);
}

AssistServer::AssistServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AssistServer::~AssistServer() {
  Shutdown();
}

Result<std::unique_ptr<AssistServer>> AssistServer::Start(Pipeline& pipeline, const AssistServerOptions& options,
                                                          StreamingPipeline* streaming) {
  auto impl = std::make_unique<Impl>(pipeline, options);
  net::TakeOverRoute take_over;
  if (streaming) {
    StreamRoutesOptions stream_options = options.streaming;
    stream_options.max_upload_bytes = options.max_upload_bytes;
    stream_options.timeout = options.timeout;
    impl->streams = std::make_unique<StreamRoutes>(*streaming, stream_options);
    // A refused stream is left to Handle, which answers the refusal as a plain response.
    take_over = [raw = impl.get()](const net::HttpRequest& request) -> net::TakeOverHandler {
      auto handler = raw->streams->Route(request);
      if (handler && raw->Admit(request)) return {};
      return handler;
    };
  }
  net::HttpServerOptions http_options;
  http_options.host = options.host;
  http_options.port = options.port;
  http_options.threads = options.threads;
  // Room for the multipart envelope around a file at the limit; the file itself is checked exactly.
  http_options.body_limit = options.max_upload_bytes + 64 * 1024;
  http_options.max_inflight = static_cast<size_t>(options.max_inflight);
  http_options.max_queued = static_cast<size_t>(options.max_queued);
  http_options.read_timeout = options.header_timeout;
  http_options.body_timeout = options.body_timeout;
  http_options.min_body_rate = options.min_body_rate;
  http_options.max_connections = options.max_connections;
  http_options.tls = options.tls;
  Impl* raw = impl.get();
  auto http = net::HttpServer::Start(
      http_options,
      [raw](net::HttpRequest&& request, net::Respond respond) { raw->Handle(std::move(request), std::move(respond)); },
      std::move(take_over));
  if (!http.ok()) return http.status();
  impl->http = std::move(http).value();
  impl->ready = true;
  return std::unique_ptr<AssistServer>(new AssistServer(std::move(impl)));
}

uint16_t AssistServer::port() const {
  return impl_->http->port();
}

void AssistServer::Shutdown() {
  if (impl_ && impl_->http) impl_->http->Shutdown(impl_->options.timeout + std::chrono::milliseconds(500));
}

}  // namespace maestro
