// HTTP message types shared by Maestro's HTTP server and client (Boost.Beast, string bodies: net/string_body.h).
#pragma once

#include <boost/beast/http.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "net/string_body.h"

namespace maestro::net {

namespace http = boost::beast::http;
using HttpRequest = http::request<StringBody>;
using HttpResponse = http::response<StringBody>;

// The header that carries a request's remaining time budget, in milliseconds, from hop to hop.
inline constexpr const char* kDeadlineHeader = "X-Maestro-Deadline-Ms";
// Set by HttpServer on a request that waited for an in-flight slot: how long, in milliseconds, so the handler
// can count the wait against the request's deadline. Any value the client sent is removed.
inline constexpr const char* kQueuedHeader = "X-Maestro-Queued-Ms";

// The HTTP status that stands for `code` (400, 413, 415, 404, 504, 503, 502, 500).
http::status HttpStatusFor(StatusCode code);
// Parses a StatusCodeName() back. RETURNS kInternal for unknown names.
StatusCode StatusCodeFromName(std::string_view name);

// A JSON error response {"error": message, "code": name[, "hop": hop]} with the status's HTTP code.
// Adds Retry-After: 1 for kOverloaded.
HttpResponse ErrorResponse(const Status& status, unsigned version = 11, bool keep_alive = true);

// Reads a JSON error body produced by ErrorResponse back into a Status; falls back on the HTTP code.
Status StatusFromErrorResponse(const HttpResponse& response);

}  // namespace maestro::net
