// Fuzzes audio sniffing and decoding (libsndfile through an in-memory file, then soxr): every upload that
// passes the sniff reaches DecodeToSpeechPcm in the STT service. Input: the uploaded bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "audio/decode.h"
#include "audio/wav.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string_view container = maestro::audio::SniffContainer(bytes);
  // Short limits keep one execution fast; the limits themselves are part of what is checked.
  maestro::audio::DecodeLimits limits;
  limits.max_bytes = 1 << 20;
  limits.max_seconds = 20;
  auto decoded = maestro::audio::DecodeToSpeechPcm(bytes, limits);
  if (decoded.ok()) {
    if (decoded->samples.empty() || decoded->seconds() > limits.max_seconds + 1) std::abort();
    if (decoded->source_rate <= 0 || decoded->source_channels <= 0) std::abort();
  } else if (decoded.status().code() == maestro::StatusCode::kOk) {
    std::abort();
  }
  (void)container;
  return 0;
}
