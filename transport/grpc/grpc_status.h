// How a Maestro Status crosses a gRPC hop. The gRPC code carries the meaning any gRPC client understands;
// a trailer ("maestro-code") carries the exact Maestro code, so a Maestro client gets back the same
// StatusCode the remote engine returned even where two codes share one gRPC code.
#pragma once

#include <grpcpp/grpcpp.h>

#include "common/status.h"

namespace maestro::grpc_transport {

inline constexpr char kCodeTrailer[] = "maestro-code";

// RETURNS the gRPC status for `status` (OK for ok).
grpc::Status ToGrpcStatus(const Status& status);

// RETURNS the Maestro status for a finished call: the trailer's code when a Maestro server sent one,
// otherwise a mapping of the gRPC code (UNAVAILABLE and CANCELLED → kUnavailable, DEADLINE_EXCEEDED →
// kDeadlineExceeded, RESOURCE_EXHAUSTED from a size limit → kPayloadTooLarge, ...).
Status FromGrpcStatus(const grpc::Status& status, const grpc::ClientContext& context);

}  // namespace maestro::grpc_transport
