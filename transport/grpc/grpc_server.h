// gRPC server adapters: serve any SpeechToText / LanguageModel / TextToSpeech engine as the thesis's
// mpes.stt.STTService / mpes.llm.LLMService / mpes.tts.TTSService, with gRPC's callback API. Handlers never
// block: each call is handed to the engine, and the engine's completion (on the engine's own thread)
// finishes the call.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "transport/transport.h"

namespace maestro::grpc_transport {

// Serves `engine` on host:port (0 picks a free port). Honours options.max_message_bytes (both directions)
// and options.max_inflight (excess calls get RESOURCE_EXHAUSTED / kOverloaded). The caller's gRPC deadline
// becomes the engine's Deadline.
// REQUIRES: `engine` outlives the returned server.
// RETURNS the running server, or kUnavailable when the address cannot be bound.
Result<std::unique_ptr<ServiceServer>> ServeStt(SpeechToText& engine, const std::string& host, uint16_t port,
                                                const TransportOptions& options);
Result<std::unique_ptr<ServiceServer>> ServeLlm(LanguageModel& engine, const std::string& host, uint16_t port,
                                                const TransportOptions& options);
Result<std::unique_ptr<ServiceServer>> ServeTts(TextToSpeech& engine, const std::string& host, uint16_t port,
                                                const TransportOptions& options);

}  // namespace maestro::grpc_transport
