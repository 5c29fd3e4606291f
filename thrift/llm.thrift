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

service LLMService {
  GenReply Generate(1: GenRequest req) throws (1: common.ServiceError err),
}
