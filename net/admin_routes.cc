#include "net/admin_routes.h"

#include "metrics/metrics.h"

namespace maestro::net {

HttpResponse JsonResponse(std::string body, http::status status) {
  HttpResponse response{status, 11};
  response.set(http::field::content_type, "application/json");
  response.body() = std::move(body);
  return response;
}

bool HandleAdminRoute(const HttpRequest& request, const Respond& respond, const std::atomic<bool>& ready) {
  if (request.method() != http::verb::get) return false;
  std::string_view target(request.target().data(), request.target().size());
  target = target.substr(0, target.find('?'));
  if (target == "/health" || target == "/healthz") {
    respond(JsonResponse(R"({"status":"healthy"})"));
    return true;
  }
  if (target == "/readyz") {
    respond(ready.load() ? JsonResponse(R"({"status":"ready"})")
                         : JsonResponse(R"({"status":"starting"})", http::status::service_unavailable));
    return true;
  }
  if (target == "/metrics") {
    HttpResponse response{http::status::ok, 11};
    response.set(http::field::content_type, "text/plain; version=0.0.4");
    response.body() = metrics::RenderText();
    respond(std::move(response));
    return true;
  }
  return false;
}

}  // namespace maestro::net
