#include "transport/rest/generate_stream.h"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "common/parse_number.h"
#include "net/outbox.h"
#include "transport/rest/rest_json.h"

namespace maestro::rest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = net::http;

// A chunk that the client does not take within this long ends the stream: the client is gone or stuck.
constexpr auto kWriteTimeout = std::chrono::seconds(30);

// What the engine's threads hand to the connection's loop: a piece, or the end of the generation.
struct Item {
  std::string piece;
  std::optional<Result<Generation>> end;
};

// Shared by the engine's sink and the connection: the sink refuses pieces once `stop` is set.
struct Flow {
  std::atomic<bool> stop{false};
  std::atomic<bool> overflowed{false};
  std::atomic<size_t> pending_bytes{0};  // handed over by the engine, not yet written
};

asio::awaitable<bool> WriteChunk(net::ConnectionStream& stream, const std::string& data) {
  boost::system::error_code ec;
  stream.expires_after(kWriteTimeout);
  co_await asio::async_write(stream, http::make_chunk(asio::buffer(data.data(), data.size())),
                             asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

asio::awaitable<void> WriteError(net::ConnectionStream& stream, const Status& status, unsigned version) {
  boost::system::error_code ec;
  net::HttpResponse error = net::ErrorResponse(status, version, false);
  error.prepare_payload();
  stream.expires_after(kWriteTimeout);
  co_await http::async_write(stream, error, asio::redirect_error(asio::use_awaitable, ec));
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
}

// Stops the generation as soon as the client closes its side, and ends the stream's wait for the engine: the
// stream coroutine must not stay suspended on the outbox until the engine's last word, which may come after the
// server has stopped its event loops (a coroutine left suspended then is never destroyed).
asio::awaitable<void> WatchForHangUp(std::shared_ptr<net::ConnectionStream> stream, std::shared_ptr<Flow> flow,
                                     std::shared_ptr<net::Outbox<Item>> outbox) {
  char byte = 0;
  boost::system::error_code ec;
  co_await stream->socket().async_read_some(asio::buffer(&byte, 1), asio::redirect_error(asio::use_awaitable, ec));
  flow->stop.store(true);
  outbox->Close();
}

}  // namespace

Result<Deadline> DeadlineFrom(const net::HttpRequest& request) {
  auto it = request.find(net::kDeadlineHeader);
  if (it == request.end()) return Deadline::Never();
  auto ms = ParseNumber<int64_t>(std::string_view(it->value().data(), it->value().size()));
  if (!ms) return InvalidArgument(std::string(net::kDeadlineHeader) + " must be a whole number of milliseconds");
  return Deadline::FromBudgetMs(*ms);
}

bool WantsGenerateStream(const net::HttpRequest& request) {
  std::string_view target(request.target().data(), request.target().size());
  if (request.method() != http::verb::post || target.substr(0, target.find('?')) != "/generate") return false;
  auto accept = request[http::field::accept];
  return beast::iequals(accept, kNdjson) ||
         std::string_view(accept.data(), accept.size()).find(kNdjson) != std::string_view::npos;
}

asio::awaitable<void> ServeGenerateStream(LanguageModel& engine, metrics::RequestMetrics& metrics,
                                          size_t max_pending_bytes, net::HttpRequest request,
                                          net::ConnectionStream plain_stream,
                                          std::shared_ptr<net::ConnectionContext> context) {
  auto stream = std::make_shared<net::ConnectionStream>(std::move(plain_stream));
  const unsigned version = request.version();
  auto started = metrics.Start();
  auto generation = ParseGenerateRequest(request.body());
  auto deadline = DeadlineFrom(request);
  if (!generation.ok() || !deadline.ok()) {
    Status refusal = generation.ok() ? deadline.status() : generation.status();
    metrics.Finish(started, refusal.code());
    co_await WriteError(*stream, refusal, version);
    co_return;
  }

  auto executor = stream->get_executor();
  auto outbox = std::make_shared<net::Outbox<Item>>(executor);
  auto flow = std::make_shared<Flow>();
  // The engine's callbacks hold the outbox weakly: only this coroutine owns it, so it is never destroyed on an
  // engine thread after the server's event loop (whose timer service its timer needs) is gone.
  std::weak_ptr<net::Outbox<Item>> weak = outbox;
  engine.GenerateStreaming(
      std::move(generation).value(), *deadline,
      [context, executor, weak, flow, max_pending_bytes](std::string_view piece) {
        if (flow->stop.load()) return false;
        if (flow->pending_bytes.fetch_add(piece.size()) + piece.size() > max_pending_bytes) {
          flow->overflowed.store(true);
          flow->stop.store(true);
          return false;
        }
        context->Post(executor, [weak, text = std::string(piece)]() mutable {
          if (auto box = weak.lock()) box->Push({std::move(text), {}});
        });
        return true;
      },
      [context, executor, weak](Result<Generation> result) {
        context->Post(executor, [weak, result = std::move(result)]() mutable {
          if (auto box = weak.lock()) box->Push({{}, std::move(result)});
        });
      });

  // A client that hangs up even before the first piece stops the generation.
  asio::co_spawn(executor, WatchForHangUp(stream, flow, outbox), asio::detached);
  // Nothing is sent before the first piece, so a call that fails at once gets the unary route's JSON error.
  auto first = co_await outbox->Next();
  boost::system::error_code ec;
  if (!first) {  // the client hung up before the first piece
    metrics.Finish(started, StatusCode::kUnavailable);
    stream->socket().close(ec);
    co_return;
  }
  if (first->end && !first->end->ok()) {
    metrics.Finish(started, first->end->status().code());
    co_await WriteError(*stream, first->end->status(), version);
    stream->socket().close(ec);  // ends WatchForHangUp
    co_return;
  }

  http::response<http::empty_body> head{http::status::ok, version};
  head.set(http::field::content_type, kNdjson);
  head.set(http::field::cache_control, "no-store");
  head.keep_alive(false);
  head.chunked(true);
  http::response_serializer<http::empty_body> serializer{head};
  stream->expires_after(kWriteTimeout);
  co_await http::async_write_header(*stream, serializer, asio::redirect_error(asio::use_awaitable, ec));

  bool written = !ec;
  bool ended = false;
  StatusCode outcome = StatusCode::kOk;
  for (auto item = std::move(first); item && written; item = co_await outbox->Next()) {
    std::string lines;
    // Pieces that queued while the last chunk was written leave together.
    while (!item->end) {
      flow->pending_bytes.fetch_sub(item->piece.size());
      lines += StreamPieceLine(item->piece);
      if (outbox->size() == 0) break;
      item = co_await outbox->Next();
    }
    if (item->end) {
      Status status = item->end->status();
      if (status.ok() && flow->overflowed.load()) {
        status = Status(StatusCode::kOverloaded, "the client read the stream too slowly: more than " +
                                                     std::to_string(max_pending_bytes) + " bytes of answer waited");
      }
      outcome = status.code();
      lines += status.ok() ? StreamDoneLine(item->end->value()) : StreamErrorLine(status);
      written = co_await WriteChunk(*stream, lines);
      ended = true;
      break;
    }
    written = co_await WriteChunk(*stream, lines);
  }
  if (!written || !ended) {
    flow->stop.store(true);  // the client is gone
    outcome = StatusCode::kUnavailable;
  } else {
    co_await asio::async_write(*stream, http::make_chunk_last(), asio::redirect_error(asio::use_awaitable, ec));
  }
  metrics.Finish(started, outcome);
  outbox->Close();
  stream->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream->socket().close(ec);  // ends WatchForHangUp
}

}  // namespace maestro::rest
