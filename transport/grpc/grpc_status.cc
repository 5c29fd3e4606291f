#include "transport/grpc/grpc_status.h"

#include "transport/wire_status.h"

namespace maestro::grpc_transport {

grpc::Status ToGrpcStatus(const Status& status) {
  grpc::StatusCode code = grpc::StatusCode::OK;
  switch (status.code()) {
    case StatusCode::kOk:
      return grpc::Status::OK;
    case StatusCode::kInvalidArgument:
    case StatusCode::kUnsupportedMedia:
      code = grpc::StatusCode::INVALID_ARGUMENT;
      break;
    case StatusCode::kPayloadTooLarge:
      code = grpc::StatusCode::OUT_OF_RANGE;
      break;
    case StatusCode::kNotFound:
      code = grpc::StatusCode::NOT_FOUND;
      break;
    case StatusCode::kDeadlineExceeded:
      code = grpc::StatusCode::DEADLINE_EXCEEDED;
      break;
    case StatusCode::kOverloaded:
      code = grpc::StatusCode::RESOURCE_EXHAUSTED;
      break;
    case StatusCode::kUnavailable:
      code = grpc::StatusCode::UNAVAILABLE;
      break;
    case StatusCode::kUpstreamError:
      code = grpc::StatusCode::UNKNOWN;
      break;
    case StatusCode::kInternal:
      code = grpc::StatusCode::INTERNAL;
      break;
  }
  return grpc::Status(code, status.message());
}

Status FromGrpcStatus(const grpc::Status& status, const grpc::ClientContext& context) {
  if (status.ok()) return Status::Ok();
  const std::string& message = status.error_message();
  const auto& trailers = context.GetServerTrailingMetadata();
  if (auto it = trailers.find(kCodeTrailer); it != trailers.end()) {
    auto code = StatusCodeFromName(std::string(it->second.data(), it->second.size()));
    if (code && *code != StatusCode::kOk) return Status(*code, message);
  }
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      return Status(StatusCode::kInvalidArgument, message);
    case grpc::StatusCode::OUT_OF_RANGE:
      return Status(StatusCode::kPayloadTooLarge, message);
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::UNIMPLEMENTED:
      return Status(StatusCode::kNotFound, message);
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return Status(StatusCode::kDeadlineExceeded, message);
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      // gRPC itself answers RESOURCE_EXHAUSTED for a message above the size limit.
      if (message.find("larger than max") != std::string::npos) return Status(StatusCode::kPayloadTooLarge, message);
      return Status(StatusCode::kOverloaded, message);
    case grpc::StatusCode::UNAVAILABLE:
      // Nothing was sent when the channel could not connect: the balancer may retry the call elsewhere.
      if (message.find("failed to connect") != std::string::npos) {
        return Status(StatusCode::kUnavailable, "connect failed: " + message);
      }
      return Status(StatusCode::kUnavailable, message);
    case grpc::StatusCode::CANCELLED:
      return Status(StatusCode::kUnavailable, message);
    case grpc::StatusCode::INTERNAL:
      return Status(StatusCode::kInternal, message);
    default:
      return Status(StatusCode::kUpstreamError, message);
  }
}

}  // namespace maestro::grpc_transport
