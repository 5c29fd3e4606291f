#include "audio/wav.h"

#include <algorithm>
#include <cstring>

namespace maestro::audio {
namespace {

void PutLe(std::string& out, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint32_t GetLe(std::string_view in, size_t at, int bytes) {
  uint32_t value = 0;
  for (int i = 0; i < bytes; ++i) value |= static_cast<uint32_t>(static_cast<uint8_t>(in[at + i])) << (8 * i);
  return value;
}

std::string Header(uint32_t riff_size, uint32_t data_bytes, int sample_rate, int channels) {
  std::string out;
  out += "RIFF";
  PutLe(out, riff_size, 4);
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
  return out;
}

}  // namespace

std::optional<WavPcm> ParsePcmWav(std::string_view wav) {
  if (wav.size() < 12 || wav.compare(0, 4, "RIFF") != 0 || wav.compare(8, 4, "WAVE") != 0) return std::nullopt;
  WavPcm pcm;
  bool have_format = false;
  for (size_t at = 12; at + 8 <= wav.size();) {
    const std::string_view id = wav.substr(at, 4);
    const size_t size = GetLe(wav, at + 4, 4);
    const size_t body = at + 8;
    if (id == "fmt ") {
      if (size < 16 || body + 16 > wav.size()) return std::nullopt;
      if (GetLe(wav, body, 2) != 1 || GetLe(wav, body + 14, 2) != 16) return std::nullopt;  // 16-bit PCM only
      pcm.channels = static_cast<int>(GetLe(wav, body + 2, 2));
      pcm.sample_rate = static_cast<int>(GetLe(wav, body + 4, 4));
      have_format = pcm.channels > 0 && pcm.sample_rate > 0;
    } else if (id == "data") {
      if (!have_format) return std::nullopt;
      pcm.data = wav.substr(body, std::min(size, wav.size() - body));
      pcm.data = pcm.data.substr(0, pcm.data.size() - pcm.data.size() % (2 * static_cast<size_t>(pcm.channels)));
      return pcm;
    }
    at = body + size + (size & 1);
  }
  return std::nullopt;
}

std::string StreamingWavHeader(int sample_rate, int channels) {
  return Header(0xFFFFFFFFu, 0xFFFFFFFFu, sample_rate, channels);
}

std::string EncodeWav(std::span<const int16_t> samples, int sample_rate, int channels) {
  const uint32_t data_bytes = static_cast<uint32_t>(samples.size() * sizeof(int16_t));
  std::string out = Header(36 + data_bytes, data_bytes, sample_rate, channels);
  out.reserve(44 + data_bytes);
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
