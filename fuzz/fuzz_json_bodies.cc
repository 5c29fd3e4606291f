// Fuzzes the JSON bodies Maestro and its REST services read: /ask, /generate and /synthesize requests and the
// STT and LLM replies, and the lines of a streamed /generate. Input: one body, given to every parser. What parses must
// serialize and parse back equal.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "orchestrator/ask_body.h"
#include "transport/rest/rest_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace maestro;
  std::string_view body(reinterpret_cast<const char*>(data), size);

  auto question = ParseAskBody(body);
  if (!question.ok() && question.status().code() != StatusCode::kInvalidArgument) std::abort();

  auto generate = rest::ParseGenerateRequest(body);
  if (generate.ok()) {
    auto again = rest::ParseGenerateRequest(rest::GenerateRequestJson(*generate));
    if (!again.ok() || again->prompt != generate->prompt || again->max_tokens != generate->max_tokens ||
        again->top_k != generate->top_k || again->temperature != generate->temperature) {
      std::abort();
    }
  } else if (generate.status().code() != StatusCode::kInvalidArgument) {
    std::abort();
  }

  auto synthesize = rest::ParseSynthesizeRequest(body);
  if (synthesize.ok()) {
    auto again = rest::ParseSynthesizeRequest(rest::SynthesizeRequestJson(*synthesize));
    if (!again.ok() || again->text != synthesize->text || again->voice != synthesize->voice) std::abort();
  }

  auto transcript = rest::ParseTranscribeReply(body);
  if (transcript.ok() && !(transcript->confidence >= 0 && transcript->confidence <= 1)) std::abort();
  auto generation = rest::ParseGenerateReply(body);
  if (!generation.ok() && generation.status().code() != StatusCode::kUpstreamError) std::abort();

  auto line = rest::ParseStreamLine(body);
  if (line.ok() && line->kind == rest::StreamLine::Kind::kPiece) {
    auto again = rest::ParseStreamLine(rest::StreamPieceLine(line->piece));
    if (!again.ok() || again->piece != line->piece) std::abort();
  } else if (!line.ok() && line.status().code() != StatusCode::kUpstreamError) {
    std::abort();
  }
  return 0;
}
