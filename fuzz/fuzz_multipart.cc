// Fuzzes net::ParseMultipart, the parser of every upload to /assist and /transcribe. Input: the Content-Type
// header value, a newline, then the body. A body built by BuildMultipartFile must parse back to its file.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "net/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  std::string_view content_type = input.substr(0, newline);
  std::string_view body = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

  auto parts = maestro::net::ParseMultipart(body, content_type);
  if (parts.ok()) {
    for (const auto& part : *parts) {
      // Every part must point inside the body it was parsed from.
      if (!part.data.empty() && (part.data.data() < body.data() || part.data.end() > body.end())) std::abort();
    }
  }

  std::string built_type;
  std::string built = maestro::net::BuildMultipartFile("file", "a.wav", "audio/wav", body, built_type);
  auto round_trip = maestro::net::ParseMultipart(built, built_type);
  if (!round_trip.ok() || round_trip->size() != 1 || (*round_trip)[0].data != body) {
    // The random boundary can occur in the data only with probability 2^-64 per position.
    if (body.find(built_type.substr(built_type.find('=') + 1)) == std::string_view::npos) std::abort();
  }
  return 0;
}
