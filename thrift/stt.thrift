// Speech-to-text service. Wire-compatible with the original thesis system: the ids it used keep their
// meaning; later ids are additive and skipped by original peers.
// Not mpes.stt: protoc already generates mpes::stt types of the same names. C++ namespaces are not on the wire.
namespace cpp mpes.thrift.stt
namespace py mpes_stt

include "common.thrift"

struct TranscribeReply {
  1: string text,
  2: string error,
  3: string language,
  4: double confidence,
}

service STTService {
  // timeout_ms: the caller's remaining budget; 0 or absent means no deadline.
  TranscribeReply Transcribe(1: binary audio, 2: string filename, 3: string content_type, 4: i64 timeout_ms)
      throws (1: common.ServiceError err),
}
