// Thrift server adapters: serve any SpeechToText / LanguageModel / TextToSpeech engine as the thesis's
// STTService / LLMService / TTSService. TThreadedServer gives each connection a thread (TNonblockingServer
// cannot speak the buffered transport that the thesis's clients use); a handler hands the call to the engine
// and waits for its completion or the call's deadline, whichever comes first.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "transport/transport.h"

namespace maestro::thrift {

// Serves `engine` on host:port (0 picks a free port) in options' wire format. Errors reach the caller as
// common.ServiceError{code = StatusCodeName, message}. Honours max_message_bytes (larger input closes that
// connection), max_inflight (excess calls get "overloaded") and each call's timeout_ms field (0: none).
// REQUIRES: `engine` outlives the returned server.
// RETURNS the running server, kInvalidArgument for an unknown wire format, kUnavailable when the address
// cannot be bound.
Result<std::unique_ptr<ServiceServer>> ServeStt(SpeechToText& engine, const std::string& host, uint16_t port,
                                                const TransportOptions& options);
Result<std::unique_ptr<ServiceServer>> ServeLlm(LanguageModel& engine, const std::string& host, uint16_t port,
                                                const TransportOptions& options);
Result<std::unique_ptr<ServiceServer>> ServeTts(TextToSpeech& engine, const std::string& host, uint16_t port,
                                                const TransportOptions& options);

}  // namespace maestro::thrift
