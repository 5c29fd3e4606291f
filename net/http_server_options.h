// HttpServerOptions: the limits and sizes of one HttpServer (net/http_server.h), in a header of its own so that code
// which only needs the limits (the request fuzzer) does not pull in the coroutine server.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "tls/tls_options.h"

namespace maestro::net {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                // 0 picks a free port
  int threads = 0;                  // event-loop threads; 0 picks the number of cores
  size_t body_limit = 32u << 20;    // larger bodies get 413 before the handler sees them
  size_t header_limit = 16u << 10;  // larger headers get 431
  // Slow clients (slowloris): a request's header must arrive whole within read_timeout of the previous answer
  // (or of the accept); its body must bring bytes at least every body_timeout and, once body_timeout has
  // passed, average min_body_rate bytes per second (0: no rate). Either failure closes the connection.
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds body_timeout{10000};
  size_t min_body_rate = size_t{16} * 1024;
  size_t max_connections = 20000;  // further connections are accepted and closed at once
  // Requests with a body processed at once (the default: no limit), and how many more may wait unread for a
  // slot; beyond both, 503 + Retry-After (common/admission_gate.h). A slot is held until the response is
  // written. GETs never wait.
  size_t max_inflight = std::numeric_limits<size_t>::max();
  size_t max_queued = 4096;
  // HTTPS when set (tls/tls_options.h): a certificate and key, and with a CA, client certificates required
  // (mutual TLS). The TLS handshake counts against the first request's read_timeout.
  tls::TlsOptions tls;
};

}  // namespace maestro::net
