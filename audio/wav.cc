#include "audio/wav.h"

#include <cstring>

namespace maestro::audio {
namespace {

void PutLe(std::string& out, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

}  // namespace

std::string EncodeWav(std::span<const int16_t> samples, int sample_rate, int channels) {
  const uint32_t data_bytes = static_cast<uint32_t>(samples.size() * sizeof(int16_t));
  std::string out;
  out.reserve(44 + data_bytes);
  out += "RIFF";
  PutLe(out, 36 + data_bytes, 4);
  out += "WAVEfmt ";
  PutLe(out, 16, 4);  // fmt chunk size
  PutLe(out, 1, 2);   // PCM
  PutLe(out, static_cast<uint32_t>(channels), 2);
  PutLe(out, static_cast<uint32_t>(sample_rate), 4);
  PutLe(out, static_cast<uint32_t>(sample_rate * channels * 2), 4);  // byte rate
  PutLe(out, static_cast<uint32_t>(channels * 2), 2);                // block align
  PutLe(out, 16, 2);                                                 // bits per sample
  out += "data";
  PutLe(out, data_bytes, 4);
  // WAV is little-endian, as is every platform Maestro targets (x86-64, arm64).
  out.append(reinterpret_cast<const char*>(samples.data()), data_bytes);
  return out;
}

std::string_view SniffContainer(std::string_view bytes) {
  auto starts = [&](std::string_view magic, size_t at = 0) {
    return bytes.size() >= at + magic.size() && bytes.compare(at, magic.size(), magic) == 0;
  };
  if (starts("RIFF") && starts("WAVE", 8)) return "wav";
  if (starts("RIFX") && starts("WAVE", 8)) return "wav";
  if (starts("fLaC")) return "flac";
  if (starts("OggS")) return "ogg";
  if (starts("ID3")) return "mp3";
  // An MPEG audio frame header: 11 sync bits, then a layer field that is not "reserved".
  if (bytes.size() >= 2 && static_cast<uint8_t>(bytes[0]) == 0xff && (static_cast<uint8_t>(bytes[1]) & 0xe0) == 0xe0 &&
      (static_cast<uint8_t>(bytes[1]) & 0x06) != 0) {
    return "mp3";
  }
  return "";
}

}  // namespace maestro::audio
