// gRPC clients that implement the engine interfaces, so a remote gRPC service can stand in for a local
// engine. Calls use the callback API and never block the caller; a client multiplexes every call over a
// few HTTP/2 channels that it opens lazily and keeps.
#pragma once

#include <memory>
#include <string>

#include "transport/transport.h"

namespace maestro::grpc_transport {

// Each returns a client for the service at `address` ("host:port"). The request's Deadline becomes the
// gRPC deadline; a call whose deadline has already passed fails with kDeadlineExceeded without being sent.
// Remote failures come back as the remote's own StatusCode, kUnavailable (unreachable) or
// kDeadlineExceeded. A reply whose `error` field is set (the thesis servers' way) is kUpstreamError.
// RETURNS the client, or kInvalidArgument for a malformed address.
Result<std::unique_ptr<SpeechToText>> ConnectStt(const std::string& address, const TransportOptions& options);
Result<std::unique_ptr<LanguageModel>> ConnectLlm(const std::string& address, const TransportOptions& options);
Result<std::unique_ptr<TextToSpeech>> ConnectTts(const std::string& address, const TransportOptions& options);

}  // namespace maestro::grpc_transport
