#include "common/status.h"

namespace maestro {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kUnsupportedMedia:
      return "unsupported_media";
    case StatusCode::kPayloadTooLarge:
      return "payload_too_large";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case StatusCode::kOverloaded:
      return "overloaded";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kUpstreamError:
      return "upstream_error";
    case StatusCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Status Status::WithHop(const std::string& hop) const {
  if (ok() || !hop_.empty()) return *this;
  return Status(code_, message_, hop);
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string text = StatusCodeName(code_);
  if (!hop_.empty()) text += " at " + hop_;
  if (!message_.empty()) text += ": " + message_;
  return text;
}

}  // namespace maestro
