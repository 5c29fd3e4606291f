// The routes every Maestro process answers besides its own API: GET /health (the thesis's), /healthz,
// /readyz and /metrics (Prometheus text).
#pragma once

#include <atomic>
#include <string>

#include "net/http_server.h"

namespace maestro::net {

// Answers `request` if it is an admin route and RETURNS true; RETURNS false (and leaves `respond` unused)
// otherwise. `ready` tells /readyz whether the process can serve requests now.
bool HandleAdminRoute(const HttpRequest& request, const Respond& respond, const std::atomic<bool>& ready);

// A JSON response with status 200 (or `status`).
HttpResponse JsonResponse(std::string body, http::status status = http::status::ok);

}  // namespace maestro::net
