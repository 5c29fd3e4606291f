// Fuzzes the Thrift wire reader exactly as the services and clients build it (thrift_wire.h: buffered or
// framed transport, binary or compact protocol, message limits): a stream of calls or replies is read into the
// generated argument and result types. Input: byte 0 picks the format (bit 0 framed, bit 1 compact), the rest is
// what a peer sent. Thrift's TException is the typed refusal of bad input; anything else escaping is a finding.
#include <thrift/TApplicationException.h>
#include <thrift/transport/TBufferTransports.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "gen-cpp/LLMService.h"
#include "gen-cpp/STTService.h"
#include "gen-cpp/TTSService.h"
#include "transport/thrift/thrift_wire.h"

namespace {

using apache::thrift::protocol::TMessageType;
using apache::thrift::protocol::TProtocol;
using apache::thrift::protocol::TType;

// Reads one message body into the type its name and kind select; unknown names are skipped as a struct,
// which is what a generated processor does before it answers "unknown method".
template <typename Args, typename Result>
void ReadBody(TProtocol& protocol, const TMessageType& type) {
  // readMessageBegin stores the peer's kind byte in the enum unchecked; read it as the integer it is.
  int32_t kind = 0;
  static_assert(sizeof(kind) == sizeof(type));
  std::memcpy(&kind, &type, sizeof(kind));
  if (kind == apache::thrift::protocol::T_CALL || kind == apache::thrift::protocol::T_ONEWAY) {
    Args args;
    args.read(&protocol);
  } else if (kind == apache::thrift::protocol::T_REPLY) {
    Result result;
    result.read(&protocol);
  } else {
    apache::thrift::TApplicationException error;
    error.read(&protocol);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  maestro::thrift::RouteThriftLogging();
  maestro::thrift::WireFormat format;
  format.framed = data[0] & 1;
  format.compact = data[0] & 2;
  format.max_message_bytes = 1 << 20;
  auto memory = std::make_shared<apache::thrift::transport::TMemoryBuffer>(const_cast<uint8_t*>(data + 1),
                                                                           static_cast<uint32_t>(size - 1));
  auto transport = maestro::thrift::WrapSocket(memory, format);
  auto protocol = maestro::thrift::MakeProtocol(transport, format);
  try {
    for (int message = 0; message < 8; ++message) {
      std::string name;
      TMessageType type;
      int32_t seqid = 0;
      protocol->readMessageBegin(name, type, seqid);
      if (name == "Transcribe") {
        ReadBody<mpes::thrift::stt::STTService_Transcribe_args, mpes::thrift::stt::STTService_Transcribe_result>(
            *protocol, type);
      } else if (name == "Generate") {
        ReadBody<mpes::thrift::llm::LLMService_Generate_args, mpes::thrift::llm::LLMService_Generate_result>(*protocol,
                                                                                                             type);
      } else if (name == "Synthesize") {
        ReadBody<mpes::thrift::tts::TTSService_Synthesize_args, mpes::thrift::tts::TTSService_Synthesize_result>(
            *protocol, type);
      } else {
        protocol->skip(apache::thrift::protocol::T_STRUCT);
      }
      protocol->readMessageEnd();
      transport->readEnd();
    }
  } catch (const apache::thrift::TException&) {
    // The typed refusal: the server drops the connection, the client fails the call.
  }
  return 0;
}
