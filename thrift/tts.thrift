// Text-to-speech service. Id 1 of Synthesize and ids 1-2 of SynthReply are the original thesis system's.
// Not mpes.tts: protoc already generates mpes::tts types of the same names. C++ namespaces are not on the wire.
namespace cpp mpes.thrift.tts
namespace py mpes_tts

include "common.thrift"

struct SynthReply {
  1: binary audio,
  2: string error,
}

service TTSService {
  // voice: engine voice such as "en-us" or "pt-br"; timeout_ms: the caller's remaining budget (0: none).
  SynthReply Synthesize(1: string text, 2: string voice, 3: i64 timeout_ms) throws (1: common.ServiceError err),
}
