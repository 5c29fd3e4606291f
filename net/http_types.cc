#include "net/http_types.h"

#include <nlohmann/json.hpp>

namespace maestro::net {

http::status HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return http::status::ok;
    case StatusCode::kInvalidArgument:
      return http::status::bad_request;
    case StatusCode::kUnsupportedMedia:
      return http::status::unsupported_media_type;
    case StatusCode::kPayloadTooLarge:
      return http::status::payload_too_large;
    case StatusCode::kNotFound:
      return http::status::not_found;
    case StatusCode::kDeadlineExceeded:
      return http::status::gateway_timeout;
    case StatusCode::kOverloaded:
      return http::status::service_unavailable;
    case StatusCode::kUnavailable:
      return http::status::bad_gateway;
    case StatusCode::kUpstreamError:
      return http::status::bad_gateway;
    case StatusCode::kInternal:
      return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

StatusCode StatusCodeFromName(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(StatusCode::kInternal); ++i) {
    auto code = static_cast<StatusCode>(i);
    if (name == StatusCodeName(code)) return code;
  }
  return StatusCode::kInternal;
}

HttpResponse ErrorResponse(const Status& status, unsigned version, bool keep_alive) {
  HttpResponse response{HttpStatusFor(status.code()), version};
  nlohmann::json body = {{"error", status.message()}, {"code", StatusCodeName(status.code())}};
  if (!status.hop().empty()) body["hop"] = status.hop();
  response.set(http::field::content_type, "application/json");
  if (status.code() == StatusCode::kOverloaded) response.set(http::field::retry_after, "1");
  response.body() = body.dump();
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

Status StatusFromErrorResponse(const HttpResponse& response) {
  auto parsed = nlohmann::json::parse(response.body(), nullptr, false);
  if (parsed.is_object() && parsed.contains("code") && parsed["code"].is_string()) {
    std::string message = parsed.value("error", std::string());
    return Status(StatusCodeFromName(parsed["code"].get<std::string>()), message, parsed.value("hop", std::string()));
  }
  auto code = response.result_int();
  StatusCode mapped = code == 400   ? StatusCode::kInvalidArgument
                      : code == 413 ? StatusCode::kPayloadTooLarge
                      : code == 415 ? StatusCode::kUnsupportedMedia
                      : code == 404 ? StatusCode::kNotFound
                      : code == 503 ? StatusCode::kOverloaded
                      : code == 504 ? StatusCode::kDeadlineExceeded
                                    : StatusCode::kUpstreamError;
  return Status(mapped, "HTTP " + std::to_string(code) + ": " + response.body().substr(0, 200));
}

}  // namespace maestro::net
