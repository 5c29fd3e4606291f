// The streamed form of the REST LLM service: POST /generate with `Accept: application/x-ndjson` is answered with
// one chunked NDJSON line per piece of the answer as the engine writes it (rest_json.h has the lines). The
// request body, the deadline header and the errors before the first piece are those of the unary /generate.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <memory>
#include <utility>  // Boost 1.74's asio/awaitable.hpp uses std::exchange without including it

#include "domain/language_model.h"
#include "metrics/metrics.h"
#include "net/connection_takeover.h"

namespace maestro::rest {

inline constexpr const char* kNdjson = "application/x-ndjson";

// The deadline a request brought in X-Maestro-Deadline-Ms. No header means no deadline, as a gRPC call without one
// or a Thrift timeout_ms of 0. RETURNS kInvalidArgument when the value is not a whole number of milliseconds.
Result<Deadline> DeadlineFrom(const net::HttpRequest& request);

// RETURNS true when `request` asks for the stream: POST /generate accepting application/x-ndjson.
bool WantsGenerateStream(const net::HttpRequest& request);

// Serves one streamed /generate on its own connection, which is closed at the end. A client that closes its side,
// or falls more than `max_pending_bytes` of answer behind (then the last line is an "overloaded" error), stops
// the generation: the engine's next piece is refused.
// REQUIRES: `engine` and `metrics` outlive the server that runs the coroutine.
boost::asio::awaitable<void> ServeGenerateStream(LanguageModel& engine, metrics::RequestMetrics& metrics,
                                                 size_t max_pending_bytes, net::HttpRequest request,
                                                 net::ConnectionStream stream,
                                                 std::shared_ptr<net::ConnectionContext> context);

}  // namespace maestro::rest
