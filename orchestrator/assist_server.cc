#include "orchestrator/assist_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/beast/core/detail/base64.hpp>
#include <nlohmann/json.hpp>

#include "audio/wav.h"
#include "metrics/metrics.h"
#include "net/admin_routes.h"
#include "net/http_server.h"
#include "net/multipart.h"
#include "orchestrator/ask_body.h"
#include "orchestrator/rate_limiter.h"

namespace maestro {
namespace {

using json = nlohmann::json;
namespace http = net::http;

std::string Base64(const std::string& data) {
  std::string out(boost::beast::detail::base64::encoded_size(data.size()), '\0');
  out.resize(boost::beast::detail::base64::encode(out.data(), data.data(), data.size()));
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
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
  Result<AudioClip> ReadUpload(const net::HttpRequest& request) const;
  Deadline DeadlineFor(const net::HttpRequest& request) const;
};

Result<AudioClip> AssistServer::Impl::ReadUpload(const net::HttpRequest& request) const {
  auto header = request[http::field::content_type];
  std::string content_type = Lower(std::string_view(header.data(), header.size()));
  AudioClip clip;
  if (content_type.rfind("multipart/form-data", 0) == 0) {
    auto parts = net::ParseMultipart(request.body(), std::string_view(header.data(), header.size()));
    if (!parts.ok()) return parts.status();
    auto file = std::find_if(parts->begin(), parts->end(), [](const net::FormPart& p) { return p.name == "file"; });
    if (file == parts->end()) return InvalidArgument("multipart field 'file' is missing");
    clip = AudioClip{std::string(file->data), file->filename, file->content_type};
  } else if (content_type.rfind("audio/", 0) == 0 || content_type.rfind("application/octet-stream", 0) == 0) {
    clip = AudioClip{request.body(), "upload", std::string(header.data(), header.size())};
  } else {
    return Status(StatusCode::kUnsupportedMedia,
                  "send multipart/form-data with a 'file' field, or an audio/* body; got '" + content_type + "'");
  }
  if (clip.bytes.empty()) return InvalidArgument("the uploaded audio is empty");
  if (clip.bytes.size() > options.max_upload_bytes) {
    return Status(StatusCode::kPayloadTooLarge,
                  "the uploaded audio is above the " + std::to_string(options.max_upload_bytes) + "-byte limit");
  }
  if (audio::SniffContainer(clip.bytes).empty()) {
    return Status(StatusCode::kUnsupportedMedia, "the upload is not WAV, FLAC, OGG or MP3 audio");
  }
  return clip;
}

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

Deadline AssistServer::Impl::DeadlineFor(const net::HttpRequest& request) const {
  auto budget = options.timeout;
  auto it = request.find(net::kDeadlineHeader);
  if (it != request.end()) {
    try {
      budget = std::min(budget, std::chrono::milliseconds(std::max<int64_t>(0, std::stoll(std::string(it->value())))));
    } catch (const std::exception&) {
      // A malformed budget header is ignored: the server's own timeout still bounds the request.
    }
  }
  // The time spent waiting for a slot is part of the caller's wait, so it comes out of the budget.
  if (auto queued = request.find(net::kQueuedHeader); queued != request.end()) {
    try {
      budget -= std::min(budget, std::chrono::milliseconds(std::stoll(std::string(queued->value()))));
    } catch (const std::exception&) {
      // Set only by our own server, as digits; nothing to correct otherwise.
    }
  }
  return Deadline::In(budget);
}

void AssistServer::Impl::Handle(net::HttpRequest&& request, net::Respond respond) {
  if (options.admin_routes && net::HandleAdminRoute(request, respond, ready)) return;
  const std::string_view path = Path(request);
  if (path != "/assist" && path != "/ask") {
    return respond(net::ErrorResponse(Status(StatusCode::kNotFound, "no route " + std::string(path))));
  }
  if (auto refusal = Admit(request)) return respond(std::move(*refusal));
  if (request.method() != http::verb::post) {
    return respond(net::ErrorResponse(InvalidArgument(std::string(path) + " takes POST")));
  }
  auto accept = request[http::field::accept];
  const bool want_json =
      Lower(std::string_view(accept.data(), accept.size())).find("application/json") != std::string::npos;
  const Deadline deadline = DeadlineFor(request);

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
  auto clip = ReadUpload(request);
  if (!clip.ok()) return finish(clip.status());
  pipeline.Assist(std::move(clip).value(), deadline, finish);
}

AssistServer::AssistServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AssistServer::~AssistServer() {
  Shutdown();
}

Result<std::unique_ptr<AssistServer>> AssistServer::Start(Pipeline& pipeline, const AssistServerOptions& options) {
  auto impl = std::make_unique<Impl>(pipeline, options);
  net::HttpServerOptions http_options;
  http_options.host = options.host;
  http_options.port = options.port;
  http_options.threads = options.threads;
  // Room for the multipart envelope around a file at the limit; the file itself is checked exactly.
  http_options.body_limit = options.max_upload_bytes + 64 * 1024;
  http_options.max_inflight = static_cast<size_t>(options.max_inflight);
  http_options.max_waiting = static_cast<size_t>(options.max_queued);
  http_options.read_timeout = options.header_timeout;
  http_options.body_timeout = options.body_timeout;
  http_options.min_body_rate = options.min_body_rate;
  http_options.max_connections = options.max_connections;
  Impl* raw = impl.get();
  auto http = net::HttpServer::Start(http_options, [raw](net::HttpRequest&& request, net::Respond respond) {
    raw->Handle(std::move(request), std::move(respond));
  });
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
