// Status and Result: how every Maestro layer reports failure without exceptions crossing a boundary.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace maestro {

// The error vocabulary shared by every engine and transport. Each code maps to one HTTP status
// (net/http_types.h, HttpStatusFor) and one gRPC status (transport/grpc/grpc_status.h, ToGrpcStatus), and travels
// by name in REST error bodies, gRPC trailers and Thrift ServiceErrors, so that an error keeps its meaning across hops.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // the caller sent something malformed (400)
  kUnsupportedMedia,  // the bytes are not a supported audio format (415)
  kPayloadTooLarge,   // a size limit was exceeded (413)
  kNotFound,          // no such route or resource (404)
  kDeadlineExceeded,  // the request's time budget ran out (504)
  kOverloaded,        // an in-flight limit refused the request; retry later (503 + Retry-After)
  kUnavailable,       // a downstream service could not be reached (502)
  kUpstreamError,     // a downstream service answered with an error (502)
  kInternal,          // a bug or an unexpected engine failure (500)
};

// Returns a stable lower-case name such as "invalid_argument", used in JSON error bodies and metrics.
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string hop = {})
      : code_(code), message_(std::move(message)), hop_(std::move(hop)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The pipeline hop ("stt", "llm", "tts") where the error arose, or empty when it arose locally.
  const std::string& hop() const { return hop_; }

  // Returns a copy attributed to `hop`, keeping an attribution that is already there.
  Status WithHop(const std::string& hop) const;
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string hop_;
};

// One factory per error code: `return NotFound("no route");` reads like the HTTP status it becomes.
inline Status InvalidArgument(std::string message) {
  return {StatusCode::kInvalidArgument, std::move(message)};
}
inline Status UnsupportedMedia(std::string message) {
  return {StatusCode::kUnsupportedMedia, std::move(message)};
}
inline Status PayloadTooLarge(std::string message) {
  return {StatusCode::kPayloadTooLarge, std::move(message)};
}
inline Status NotFound(std::string message) {
  return {StatusCode::kNotFound, std::move(message)};
}
inline Status DeadlineExceeded(std::string message) {
  return {StatusCode::kDeadlineExceeded, std::move(message)};
}
inline Status Overloaded(std::string message) {
  return {StatusCode::kOverloaded, std::move(message)};
}
inline Status Unavailable(std::string message) {
  return {StatusCode::kUnavailable, std::move(message)};
}
inline Status UpstreamError(std::string message) {
  return {StatusCode::kUpstreamError, std::move(message)};
}
inline Status Internal(std::string message) {
  return {StatusCode::kInternal, std::move(message)};
}

// A value or the Status that explains its absence. Constructing from an ok Status is a bug.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(state_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(state_);
  }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace maestro
