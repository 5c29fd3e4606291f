#include "orchestrator/stream_routes.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>

#include "audio/wav.h"
#include "net/outbox.h"
#include "orchestrator/assist_server.h"
#include "orchestrator/stream_events.h"
#include "orchestrator/upload.h"
#include "orchestrator/web_page.h"

namespace maestro {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = net::http;
using json = nlohmann::json;

std::string_view Path(const net::HttpRequest& request) {
  std::string_view target(request.target().data(), request.target().size());
  return target.substr(0, target.find('?'));
}

// One thing for the HTTP stream to write, in order.
struct StreamItem {
  json event;
  std::string wav;                   // a sentence's speech
  std::optional<Status> error;       // the call failed
  std::optional<StreamOutcome> end;  // the call ended well
};

// Carries the pipeline's callbacks (engine threads) onto the connection's loop. They hold the outbox weakly: only
// the connection's coroutine owns it, so it is never destroyed on an engine thread after the server's event loop
// (whose timer service its timer needs) is gone.
StreamListener ListenOn(std::shared_ptr<net::ConnectionContext> context, asio::any_io_executor executor,
                        const std::shared_ptr<net::Outbox<StreamItem>>& outbox, bool ndjson) {
  auto post = [context, executor, weak = std::weak_ptr(outbox)](StreamItem item) {
    context->Post(executor, [weak, item = std::move(item)]() mutable {
      if (auto box = weak.lock()) box->Push(std::move(item));
    });
  };
  return {[post](const Transcript& t) {
            post({TranscriptEvent(0, t, true), {}, {}, {}});
          },
          [post](std::string_view piece) {
            post({TokenEvent(0, piece), {}, {}, {}});
          },
          [post, ndjson](const SpeechChunk& chunk) {
            post({AudioEvent(0, chunk, ndjson), chunk.wav, {}, {}});
          },
          [post](Result<StreamOutcome> outcome) {
            if (outcome.ok()) {
              post({{}, {}, {}, std::move(outcome).value()});
            } else {
              post({{}, {}, ClientFacingStatus(outcome.status()), {}});
            }
          }};
}

std::string TimingsHeader(const StreamTimings& t) {
  return fmt::format("stt={:.3f};llm={:.3f};tts={:.3f};first_token={:.3f};first_audio={:.3f};total={:.3f}", t.stt_ms,
                     t.llm_ms, t.tts_ms, t.first_token_ms, t.first_audio_ms, t.total_ms);
}

asio::awaitable<bool> WriteChunk(net::ConnectionStream& stream, std::string_view data) {
  if (data.empty()) co_return true;
  boost::system::error_code ec;
  stream.expires_after(std::chrono::seconds(30));
  co_await asio::async_write(stream, http::make_chunk(asio::buffer(data.data(), data.size())),
                             asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

// Cancels the call as soon as the client closes its side: a listener that went away costs no more generation.
// It reads the socket under any TLS layer: a TLS client that hangs up first sends its close_notify record, so
// on TLS any byte means the end (the request was read whole, and nothing else is expected from the client).
asio::awaitable<void> WatchForHangUp(std::shared_ptr<net::ConnectionStream> stream,
                                     std::shared_ptr<StreamHandle> call) {
  char byte = 0;
  boost::system::error_code ec;
  co_await stream->socket().async_read_some(asio::buffer(&byte, 1), asio::redirect_error(asio::use_awaitable, ec));
  if (ec || stream->is_tls()) call->Cancel();
}

}  // namespace

StreamRoutes::StreamRoutes(StreamingPipeline& pipeline, StreamRoutesOptions options)
    : pipeline_(pipeline), options_(std::move(options)) {}

net::TakeOverHandler StreamRoutes::Route(const net::HttpRequest& request) {
  const std::string_view path = Path(request);
  if (path == "/assist/stream" && request.method() == http::verb::post) {
    return [this](net::HttpRequest r, net::ConnectionStream s, std::shared_ptr<net::ConnectionContext> c) {
      return ServeAssistStream(std::move(r), std::move(s), std::move(c));
    };
  }
  if (path == "/ws" && request.method() == http::verb::get) {
    return [this](net::HttpRequest r, net::ConnectionStream s, std::shared_ptr<net::ConnectionContext> c) {
      return ServeWebSocket(std::move(r), std::move(s), std::move(c));
    };
  }
  return {};
}

std::optional<net::HttpResponse> StreamRoutes::Page(const net::HttpRequest& request) {
  if (request.method() != http::verb::get && request.method() != http::verb::head) return std::nullopt;
  const auto file = FindWebFile(Path(request));
  if (!file) return std::nullopt;
  net::HttpResponse response{http::status::ok, request.version()};
  response.set(http::field::content_type, std::string(file->content_type));
  response.set(http::field::cache_control, "no-cache");
  // The page runs only its own files: no CDN, no inline script.
  response.set("Content-Security-Policy",
               "default-src 'self'; connect-src 'self'; media-src 'self' blob:; img-src 'self' data:");
  response.body() = std::string(file->content);
  return response;
}

asio::awaitable<void> StreamRoutes::ServeAssistStream(net::HttpRequest request, net::ConnectionStream plain_stream,
                                                      std::shared_ptr<net::ConnectionContext> context) {
  auto stream = std::make_shared<net::ConnectionStream>(std::move(plain_stream));
  const unsigned version = request.version();
  boost::system::error_code ec;
  auto started = stream_metrics_.Start();
  auto clip = ReadAudioUpload(request, options_.max_upload_bytes);
  if (!clip.ok()) {
    stream_metrics_.Finish(started, clip.status().code());
    net::HttpResponse error = net::ErrorResponse(clip.status(), version, false);
    error.prepare_payload();
    co_await http::async_write(*stream, error, asio::redirect_error(asio::use_awaitable, ec));
    stream->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    co_return;
  }
  const bool ndjson = Accepts(request, "application/x-ndjson");
  auto executor = stream->get_executor();
  auto outbox = std::make_shared<net::Outbox<StreamItem>>(executor);
  auto call = pipeline_.Assist(std::move(clip).value(), RequestDeadline(request, options_.timeout),
                               ListenOn(context, executor, outbox, ndjson));

  // Nothing is sent before the first event, so a call that fails at once still gets a plain JSON error.
  auto first = co_await outbox->Next();
  if (first && first->error) {
    stream_metrics_.Finish(started, first->error->code());
    net::HttpResponse error = net::ErrorResponse(*first->error, version, false);
    error.prepare_payload();
    co_await http::async_write(*stream, error, asio::redirect_error(asio::use_awaitable, ec));
    stream->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    co_return;
  }
  asio::co_spawn(executor, WatchForHangUp(stream, call), asio::detached);

  http::response<http::empty_body> head{http::status::ok, version};
  head.set(http::field::content_type, ndjson ? "application/x-ndjson" : "audio/wav");
  head.set(http::field::cache_control, "no-store");
  head.set("X-Maestro-Protocol", options_.protocol);
  if (!ndjson) head.set(http::field::trailer, "X-Maestro-Timings-Ms, X-Maestro-Error");
  head.keep_alive(false);
  head.chunked(true);
  http::response_serializer<http::empty_body> serializer{head};
  stream->expires_after(std::chrono::seconds(30));
  co_await http::async_write_header(*stream, serializer, asio::redirect_error(asio::use_awaitable, ec));

  bool written = !ec;
  int sample_rate = 0;
  int channels = 0;
  http::fields trailer;
  StatusCode outcome_code = StatusCode::kOk;
  for (auto item = std::move(first); item && written; item = co_await outbox->Next()) {
    if (item->error) {
      outcome_code = item->error->code();
      if (ndjson) written = co_await WriteChunk(*stream, ErrorEvent(0, *item->error).dump() + "\n");
      trailer.set("X-Maestro-Error", std::string(StatusCodeName(item->error->code())) + ": " + item->error->message());
      break;
    }
    if (item->end) {
      if (ndjson) written = co_await WriteChunk(*stream, DoneEvent(0, *item->end, options_.protocol).dump() + "\n");
      trailer.set("X-Maestro-Timings-Ms", TimingsHeader(item->end->timings));
      break;
    }
    if (ndjson) {
      written = co_await WriteChunk(*stream, item->event.dump() + "\n");
      continue;
    }
    if (item->wav.empty()) continue;  // the audio stream carries only the speech
    auto pcm = audio::ParsePcmWav(item->wav);
    if (!pcm || (sample_rate != 0 && (pcm->sample_rate != sample_rate || pcm->channels != channels))) {
      outcome_code = StatusCode::kUpstreamError;
      trailer.set("X-Maestro-Error", "upstream_error: the TTS sent speech that is not one 16-bit PCM WAV format");
      call->Cancel();
      break;
    }
    if (sample_rate == 0) {
      sample_rate = pcm->sample_rate;
      channels = pcm->channels;
      written = co_await WriteChunk(*stream, audio::StreamingWavHeader(sample_rate, channels));
    }
    if (written) written = co_await WriteChunk(*stream, pcm->data);
  }
  if (!written) {
    call->Cancel();  // the client is gone
    outcome_code = StatusCode::kUnavailable;
  } else {
    co_await asio::async_write(*stream, http::make_chunk_last(trailer), asio::redirect_error(asio::use_awaitable, ec));
  }
  stream_metrics_.Finish(started, outcome_code);
  outbox->Close();
  stream->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream->socket().close(ec);  // ends WatchForHangUp
}

}  // namespace maestro
