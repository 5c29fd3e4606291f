// Thrift clients that implement the engine interfaces, so a remote Thrift service can stand in for a local
// engine. Each client keeps a ConnectionPool; calls never block the caller.
#pragma once

#include <memory>
#include <string>

#include "transport/transport.h"

namespace maestro::thrift {

// Each returns a client for the service at `address` ("host:port") in options' wire format, with at most
// options.client_connections connections. The request's remaining budget travels as timeout_ms and bounds
// the socket's send and receive waits. Remote ServiceErrors come back as their StatusCode; a reply whose
// `error` field is set (the thesis servers' way) is kUpstreamError.
// RETURNS the client, or kInvalidArgument for a malformed address or wire format.
Result<std::unique_ptr<SpeechToText>> ConnectStt(const std::string& address, const TransportOptions& options);
Result<std::unique_ptr<LanguageModel>> ConnectLlm(const std::string& address, const TransportOptions& options);
Result<std::unique_ptr<TextToSpeech>> ConnectTts(const std::string& address, const TransportOptions& options);

}  // namespace maestro::thrift
