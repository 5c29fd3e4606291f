// StreamRoutes: Maestro's streamed surface, beside the unary POST /assist (which is untouched).
//   POST /assist/stream  the same upload as /assist -> chunked audio/wav that grows sentence by sentence, with
//                        the timings in the X-Maestro-Timings-Ms trailer; or, with Accept: application/x-ndjson,
//                        one JSON event per line (docs/streaming.md)
//   GET  /ws             WebSocket: 16 kHz mono PCM in, JSON events and WAV messages out (VoiceSession)
//   GET  /               the voice web page (web/index.html), /app.js, /style.css
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "audio/voice_activity.h"
#include "metrics/metrics.h"
#include "net/connection_takeover.h"
#include "pipeline/streaming_pipeline.h"

namespace maestro {

struct StreamRoutesOptions {
  std::string protocol = "inproc";                // the protocol to the services, shown on the page and in events
  size_t max_upload_bytes = 25u << 20;            // /assist/stream, as /assist
  std::chrono::milliseconds timeout{6000};        // each answer's deadline, as /assist
  size_t max_sessions = 256;                      // WebSocket sessions at once; more get 503 before the upgrade
  size_t max_frame_bytes = 64u << 10;             // one WebSocket message (2 s of 16 kHz PCM); larger closes with 1009
  std::chrono::milliseconds idle_timeout{30000};  // a session that sends nothing this long is closed
  std::chrono::milliseconds max_session{600000};  // no session lasts longer
  size_t max_outbox_bytes = 8u << 20;  // answers a slow client has not read yet; beyond, the session is closed
  audio::UtteranceOptions utterance;   // end of utterance by WebRTC's voice detector
  // While a question is spoken, what was heard so far is transcribed again after each this much new speech (one
  // call at a time per session) and sent as a partial transcript; 0 sends none.
  std::chrono::milliseconds partial_every{1000};
};

class StreamRoutes {
 public:
  // REQUIRES: `pipeline` outlives the routes and every session.
  StreamRoutes(StreamingPipeline& pipeline, StreamRoutesOptions options);
  StreamRoutes(const StreamRoutes&) = delete;
  StreamRoutes& operator=(const StreamRoutes&) = delete;

  // RETURNS the handler that owns the connection for POST /assist/stream and GET /ws, or an empty one.
  // THREAD-SAFETY: safe.
  net::TakeOverHandler Route(const net::HttpRequest& request);

  // RETURNS the page's files for GET /, /app.js, /style.css, or std::nullopt for other paths.
  static std::optional<net::HttpResponse> Page(const net::HttpRequest& request);

  size_t sessions() const { return sessions_.load(); }

 private:
  boost::asio::awaitable<void> ServeAssistStream(net::HttpRequest request, net::ConnectionStream stream,
                                                 std::shared_ptr<net::ConnectionContext> context);
  boost::asio::awaitable<void> ServeWebSocket(net::HttpRequest request, net::ConnectionStream stream,
                                              std::shared_ptr<net::ConnectionContext> context);

  StreamingPipeline& pipeline_;
  StreamRoutesOptions options_;
  std::atomic<size_t> sessions_{0};
  metrics::RequestMetrics stream_metrics_{"maestro", "http-stream"};
  metrics::RequestMetrics session_metrics_{"maestro", "websocket"};
};

}  // namespace maestro
