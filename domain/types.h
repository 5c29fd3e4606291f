// The values that flow through the assistant: audio in, transcript, answer, audio out.
// Byte payloads are std::string because protobuf `bytes` and Thrift `binary` are std::string too,
// so crossing a transport costs no conversion.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"

namespace maestro {

// Encoded audio as it arrived (WAV, FLAC, OGG or MP3 bytes), with what the sender said it is.
struct AudioClip {
  std::string bytes;
  std::string filename;
  std::string content_type;
};

struct Transcript {
  std::string text;
  std::string language;   // BCP-47 tag such as "en-US" or "pt-BR"; empty when unknown
  double confidence = 1;  // 0..1; engines that cannot tell report 1
};

// The thesis's generation parameters, field for field (see proto/llm.proto).
struct GenerationRequest {
  std::string prompt;
  int32_t max_tokens = 128;
  float temperature = 0.7f;
  float top_p = 0.9f;
  int32_t top_k = 40;
  float repeat_penalty = 1.1f;
  float presence_penalty = 0;
  float frequency_penalty = 0;
};

struct Generation {
  std::string text;
  std::string language;              // language of the answer, e.g. "en" or "pt-BR"
  std::vector<std::string> sources;  // where the answer's facts came from, for grounding
  // Work done, for evaluations; in-process engines that count tokens fill these, transports do not carry them.
  int generated_tokens = 0;
  double generation_seconds = 0;
};

struct SynthesisRequest {
  std::string text;
  std::string voice;  // engine voice name such as "en-us" or "pt-br"; empty picks the engine default
};

// A complete RIFF/WAVE file, 16-bit PCM.
struct SpeechAudio {
  std::string wav;
};

// Called exactly once with the outcome of an asynchronous call.
template <typename T>
using Callback = std::function<void(Result<T>)>;

}  // namespace maestro
