// AssistServer: Maestro's public HTTP surface.
//   POST /assist  multipart field `file`, or a raw audio/* body -> audio/wav (or JSON with Accept: application/json)
//   POST /ask     JSON {"question": "..."}                      -> the same, skipping speech recognition
//   GET  /health, /healthz, /readyz, /metrics
// and, when started with a StreamingPipeline, the streamed routes of StreamRoutes (/assist/stream, /ws, the page).
// Uploads are validated before STT is called; every hop's failure comes back as JSON naming the hop.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "orchestrator/api_keys.h"
#include "orchestrator/stream_routes.h"
#include "pipeline/pipeline.h"
#include "pipeline/streaming_pipeline.h"
#include "tls/tls_options.h"

namespace maestro {

struct AssistServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 7000;
  int threads = 0;  // 0 picks the number of cores
  // Requests processed at once; up to max_queued more wait unread (no thread, no memory for their bodies);
  // beyond that 503 + Retry-After. Each request in flight holds its upload and its answer (~0.6-1 MB with a
  // 441 KB WAV); 16 keeps Maestro near 50 MB at 1000 connections while two cores stay busy (docs/benchmarks.md).
  int max_inflight = 16;
  int max_queued = 4096;
  size_t max_upload_bytes = 25u << 20;      // the audio file's limit (413 above it)
  std::chrono::milliseconds timeout{6000};  // each request's deadline, propagated to every hop
  // The streamed routes' limits; its upload limit and timeout are taken from the fields above.
  StreamRoutesOptions streaming;
  // Slow and greedy clients (net::HttpServerOptions): the header's deadline, the body's idle timeout and
  // minimum rate, and the connections held at once (more are closed on accept).
  std::chrono::milliseconds header_timeout{30000};
  std::chrono::milliseconds body_timeout{10000};
  size_t min_body_rate = size_t{16} * 1024;
  size_t max_connections = 20000;
  // HTTPS on the front door (tls/tls_options.h): a certificate and key; a CA makes every client present a
  // certificate it signed. All empty: plain HTTP.
  tls::TlsOptions tls;
  // When set, /assist and /ask require `Authorization: Bearer <key>` with a key from this set (401 otherwise).
  std::optional<ApiKeys> api_keys;
  // Requests per second per key (all callers share one bucket without keys); 0 turns the limit off.
  // Beyond it: 429 + Retry-After. `rate_burst` requests may come at once (0: the same as the rate).
  double rate_limit = 0;
  double rate_burst = 0;
  // False moves /metrics and the health routes off this port (404 here), e.g. to an admin listener that only
  // operators reach (`maestro serve --admin HOST:PORT`).
  bool admin_routes = true;
  // Transcripts and answers reach the log only when set; by default the log holds no user content.
  bool log_content = false;
};

class AssistServer {
 public:
  // REQUIRES: `pipeline` (and `streaming`, when given) outlive the server. Without `streaming` only the unary
  // routes exist. RETURNS kUnavailable when the port cannot be bound.
  static Result<std::unique_ptr<AssistServer>> Start(Pipeline& pipeline, const AssistServerOptions& options,
                                                     StreamingPipeline* streaming = nullptr);
  AssistServer(const AssistServer&) = delete;
  AssistServer& operator=(const AssistServer&) = delete;
  ~AssistServer();

  uint16_t port() const;
  // Stops accepting and lets in-flight requests finish (bounded by the request timeout).
  void Shutdown();

  struct Impl;

 private:
  explicit AssistServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Maps a pipeline failure to what the caller of /assist should see: errors caused by the upload keep their
// 4xx code; a hop that failed or could not be reached becomes kUpstreamError (502); a spent budget stays
// kDeadlineExceeded (504).
Status ClientFacingStatus(const Status& status);

}  // namespace maestro
