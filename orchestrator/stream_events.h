// The JSON events of Maestro's streamed answers, shared by POST /assist/stream (one per line, NDJSON) and the
// WebSocket /ws (one per text message). docs/streaming.md lists them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "pipeline/streaming_pipeline.h"

namespace maestro {

// `turn` numbers a WebSocket session's questions from 1; 0 leaves it out (HTTP streams have one question).
// `final` is false for a partial transcript of a question still being spoken.
nlohmann::json TranscriptEvent(int turn, const Transcript& transcript, bool final);
nlohmann::json TokenEvent(int turn, std::string_view piece);
// The speech of one sentence. With `inline_audio` the WAV rides in the event as base64; otherwise only its size
// is given and the WAV follows as one binary message.
nlohmann::json AudioEvent(int turn, const SpeechChunk& chunk, bool inline_audio);
// The end of an answer: its text, sources, language and per-hop timings (TTFT and TTFA included).
nlohmann::json DoneEvent(int turn, const StreamOutcome& outcome, std::string_view protocol);
// A failure, with the client-facing code and the hop it came from.
nlohmann::json ErrorEvent(int turn, const Status& status);

std::string Base64(std::string_view data);

}  // namespace maestro
