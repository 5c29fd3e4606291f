// The JSON bodies of the REST services: what /generate and /synthesize take, and what Maestro reads back from
// /transcribe and /generate. Every parser takes untrusted bytes and answers a typed error, never an exception.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/types.h"

namespace maestro::rest {

// Parses a /generate body {"prompt": string, "max_tokens"?: int, "temperature"?: number, ...}.
// RETURNS the request, or kInvalidArgument when the body is not a JSON object, the prompt is missing, or a
// parameter has the wrong type or does not fit its field (integers must be whole, numbers finite).
Result<GenerationRequest> ParseGenerateRequest(std::string_view body);
// RETURNS the /generate body for `request` (ParseGenerateRequest reads it back unchanged).
std::string GenerateRequestJson(const GenerationRequest& request);

// Parses a /synthesize body {"text": string, "voice"?: string}. RETURNS the request or kInvalidArgument.
Result<SynthesisRequest> ParseSynthesizeRequest(std::string_view body);
// RETURNS the /synthesize body for `request`.
std::string SynthesizeRequestJson(const SynthesisRequest& request);

// Parses the STT service's reply {"text": string, "language"?: string, "confidence"?: number in 0..1}.
// RETURNS the transcript, or kUpstreamError naming what is wrong with the reply.
Result<Transcript> ParseTranscribeReply(std::string_view body);

// Parses the LLM service's reply {"generated": string, "language"?: string, "sources"?: [string]}.
// RETURNS the generation, or kUpstreamError naming what is wrong with the reply.
Result<Generation> ParseGenerateReply(std::string_view body);

// ---- the NDJSON stream of POST /generate with Accept: application/x-ndjson: one JSON object per line ----
// {"piece": string} a piece of the answer; {"done": true, "language": string, "sources": [string]} the last line
// of a good answer; {"error": string, "code": status name} the last line of a failure after the first piece.
std::string StreamPieceLine(std::string_view piece);
std::string StreamDoneLine(const Generation& generation);
std::string StreamErrorLine(const Status& status);

struct StreamLine {
  enum class Kind { kPiece, kDone, kError };
  Kind kind = Kind::kPiece;
  std::string piece;      // kPiece
  Generation generation;  // kDone: language and sources (text empty)
  Status error;           // kError
};

// Parses one line (without its newline). RETURNS the line, or kUpstreamError when it is none of the three.
Result<StreamLine> ParseStreamLine(std::string_view line);

}  // namespace maestro::rest
