// Language-model service. Ids 1-8 of GenRequest and 1-2 of GenReply are the original thesis system's.
// Not mpes.llm: protoc already generates mpes::llm types of the same names. C++ namespaces are not on the wire.
namespace cpp mpes.thrift.llm
namespace py mpes_llm

include "common.thrift"

struct GenRequest {
  1: string prompt,
  2: i32 max_tokens,
  3: double temperature,
  4: double top_p,
  5: i32 top_k,
  6: double repeat_penalty,
  7: double presence_penalty,
  8: double frequency_penalty,
  // The caller's remaining budget in milliseconds; 0 or absent means no deadline.
  9: i64 timeout_ms,
}

struct GenReply {
  1: string generated,
  2: string error,
  3: string language,
  4: list<string> sources,
}

// What generate_next hands back: the pieces written since the last call, in order. `done` marks the last batch
// of a good answer, which also carries its language and sources.
struct GenPieces {
  1: list<string> pieces,
  2: bool done,
  3: string language,
  4: list<string> sources,
}

service LLMService {
  GenReply Generate(1: GenRequest req) throws (1: common.ServiceError err),

  // Maestro's addition (issue #10): Thrift has no streaming, so a streamed answer is a chunked call.
  // generate_start begins a generation (req.timeout_ms is its budget) and returns its stream id;
  // generate_next long-polls: it waits up to wait_ms (at most 5000) for pieces, returns those written since the
  // last call, and throws the generation's failure once its pieces are delivered; generate_cancel stops it.
  // Unknown or finished ids, a second generate_next on one stream at once, too many streams, a stream not
  // polled within the server's idle timeout (it is then cancelled and forgotten) all throw ServiceError.
  i64 generate_start(1: GenRequest req) throws (1: common.ServiceError err),
  GenPieces generate_next(1: i64 stream_id, 2: i32 wait_ms) throws (1: common.ServiceError err),
  void generate_cancel(1: i64 stream_id) throws (1: common.ServiceError err),
}
