// FunctionTransport: a Transport assembled from a protocol's free Serve*/Connect* functions, so that a protocol
// folder (grpc/, thrift/) supplies only those functions and does not restate the adapter class.
#pragma once

#include <memory>
#include <string>

#include "transport/transport.h"

namespace maestro {

// The functions a protocol provides; each takes the transport's options as its last argument and has the
// contract of the Transport method of the same name.
struct TransportFunctions {
  std::string name;
  Result<std::unique_ptr<ServiceServer>> (*serve_stt)(SpeechToText&, const std::string&, uint16_t,
                                                      const TransportOptions&);
  Result<std::unique_ptr<ServiceServer>> (*serve_llm)(LanguageModel&, const std::string&, uint16_t,
                                                      const TransportOptions&);
  Result<std::unique_ptr<ServiceServer>> (*serve_tts)(TextToSpeech&, const std::string&, uint16_t,
                                                      const TransportOptions&);
  Result<std::unique_ptr<SpeechToText>> (*connect_stt)(const std::string&, const TransportOptions&);
  Result<std::unique_ptr<LanguageModel>> (*connect_llm)(const std::string&, const TransportOptions&);
  Result<std::unique_ptr<TextToSpeech>> (*connect_tts)(const std::string&, const TransportOptions&);
};

// RETURNS a Transport named `functions.name` whose methods call `functions` with `options`.
// REQUIRES: every function pointer set.
std::unique_ptr<Transport> MakeFunctionTransport(TransportFunctions functions, TransportOptions options);

}  // namespace maestro
