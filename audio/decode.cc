#include "audio/decode.h"

#include <sndfile.h>
#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "audio/memory_file.h"

namespace maestro::audio {
namespace {

constexpr int kMinRate = 1000;
constexpr int kMaxRate = 768000;
constexpr int kMaxChannels = 64;
constexpr sf_count_t kChunkFrames = 4096;

Status Unsupported(std::string message) {
  return {StatusCode::kUnsupportedMedia, std::move(message)};
}
Status TooLarge(std::string message) {
  return {StatusCode::kPayloadTooLarge, std::move(message)};
}

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

std::string ContainerName(int format) {
  switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV:
    case SF_FORMAT_WAVEX:
    case SF_FORMAT_RF64:
      return "wav";
    case SF_FORMAT_FLAC:
      return "flac";
    case SF_FORMAT_OGG:
      return "ogg";
    case SF_FORMAT_MPEG:
      return "mp3";
    default:
      break;
  }
  SF_FORMAT_INFO info{};
  info.format = format & SF_FORMAT_TYPEMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof(info)) == 0 && info.extension) return info.extension;
  return "other";
}

int16_t ToInt16(float sample) {
  // libsndfile reads 16-bit PCM as sample / 32768; the same factor back makes 16 kHz mono PCM pass through exactly.
  const float scaled = std::nearbyint(sample * 32768.0f);
  return static_cast<int16_t>(std::clamp(scaled, -32768.0f, 32767.0f));
}

Result<std::vector<int16_t>> ResampleFloat(const std::vector<float>& mono, int from_rate) {
  if (from_rate == kSpeechSampleRate) {
    std::vector<int16_t> out(mono.size());
    std::transform(mono.begin(), mono.end(), out.begin(), ToInt16);
    return out;
  }
  const double ratio = static_cast<double>(kSpeechSampleRate) / from_rate;
  std::vector<int16_t> out(static_cast<size_t>(std::ceil(static_cast<double>(mono.size()) * ratio)) + 16);
  size_t produced = 0;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_INT16_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  soxr_error_t error = soxr_oneshot(from_rate, kSpeechSampleRate, 1, mono.data(), mono.size(), nullptr, out.data(),
                                    out.size(), &produced, &io, &quality, nullptr);
  if (error) return Internal(std::string("soxr: ") + error);
  out.resize(produced);
  return out;
}

}  // namespace

Result<DecodedAudio> DecodeToSpeechPcm(std::string_view bytes, const DecodeLimits& limits) {
  if (bytes.empty()) return InvalidArgument("empty audio");
  if (bytes.size() > limits.max_bytes) {
    return TooLarge("audio of " + std::to_string(bytes.size()) + " bytes is above the limit of " +
                    std::to_string(limits.max_bytes));
  }
  MemoryFile memory(bytes);
  SF_INFO info{};
  SndfilePtr file(sf_open_virtual(MemoryFile::Callbacks(), SFM_READ, &info, &memory));
  if (!file) {
    return Unsupported(std::string("not a readable WAV, FLAC, OGG or MP3 file: ") + sf_strerror(nullptr));
  }
  if (info.samplerate < kMinRate || info.samplerate > kMaxRate) {
    return Unsupported("unsupported sample rate " + std::to_string(info.samplerate) + " Hz");
  }
  if (info.channels < 1 || info.channels > kMaxChannels) {
    return Unsupported("unsupported channel count " + std::to_string(info.channels));
  }
  const auto max_frames = static_cast<sf_count_t>(limits.max_seconds * info.samplerate);
  auto too_long = [&] {
    return TooLarge("audio is longer than the limit of " + std::to_string(static_cast<int>(limits.max_seconds)) + " s");
  };
  // Some containers do not know their length (SF_COUNT_MAX); the read loop below enforces the limit anyway.
  if (info.frames > max_frames && info.frames != SF_COUNT_MAX) return too_long();

  std::vector<float> mono;
  std::vector<float> chunk(static_cast<size_t>(kChunkFrames * info.channels));
  for (;;) {
    const sf_count_t got = sf_readf_float(file.get(), chunk.data(), kChunkFrames);
    if (got <= 0) break;
    for (sf_count_t frame = 0; frame < got; ++frame) {
      float sum = 0;
      for (int c = 0; c < info.channels; ++c) sum += chunk[static_cast<size_t>(frame * info.channels + c)];
      mono.push_back(sum / static_cast<float>(info.channels));
    }
    if (static_cast<sf_count_t>(mono.size()) > max_frames) return too_long();
  }
  if (int error = sf_error(file.get()); error != SF_ERR_NO_ERROR) {
    return Unsupported(std::string("corrupt audio: ") + sf_error_number(error));
  }
  if (mono.empty()) return Unsupported("the audio holds no samples (truncated or empty)");

  auto resampled = ResampleFloat(mono, info.samplerate);
  if (!resampled.ok()) return resampled.status();
  // A few samples at a high rate can resample to none at 16 kHz (fuzzing found 9 samples at 53,632 Hz).
  if (resampled->empty()) return Unsupported("the audio is too short to hold a 16 kHz sample");
  DecodedAudio decoded;
  decoded.samples = std::move(resampled.value());
  decoded.source_rate = info.samplerate;
  decoded.source_channels = info.channels;
  decoded.container = ContainerName(info.format);
  return decoded;
}

Result<std::vector<int16_t>> Resample(std::span<const int16_t> samples, int from_rate, int to_rate) {
  if (from_rate < kMinRate || from_rate > kMaxRate || to_rate < kMinRate || to_rate > kMaxRate) {
    return InvalidArgument("sample rates must be within 1 kHz..768 kHz");
  }
  if (from_rate == to_rate) return std::vector<int16_t>(samples.begin(), samples.end());
  const double ratio = static_cast<double>(to_rate) / from_rate;
  std::vector<int16_t> out(static_cast<size_t>(std::ceil(static_cast<double>(samples.size()) * ratio)) + 16);
  size_t produced = 0;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  soxr_error_t error = soxr_oneshot(from_rate, to_rate, 1, samples.data(), samples.size(), nullptr, out.data(),
                                    out.size(), &produced, &io, &quality, nullptr);
  if (error) return Internal(std::string("soxr: ") + error);
  out.resize(produced);
  return out;
}

Result<std::string> EncodeAs(std::string_view container, std::span<const int16_t> samples, int sample_rate,
                             int channels) {
  int format = 0;
  if (container == "wav") format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  if (container == "flac") format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
  if (container == "ogg") format = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
  if (container == "mp3") format = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
  if (format == 0) return InvalidArgument("cannot encode as '" + std::string(container) + "'");
  // libsndfile 1.2.0 writes stereo MP3 whose channels decode as noise (lame --decode agrees), so refuse it.
  if (container == "mp3" && channels != 1) return InvalidArgument("libsndfile 1.2.0 writes only mono MP3 correctly");
  if (channels < 1 || samples.size() % static_cast<size_t>(channels) != 0) {
    return InvalidArgument("sample count is not a whole number of frames");
  }
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = channels;
  info.format = format;
  if (!sf_format_check(&info)) return InvalidArgument("libsndfile cannot write this format at this rate");
  MemoryFile memory;
  {
    SndfilePtr file(sf_open_virtual(MemoryFile::Callbacks(), SFM_WRITE, &info, &memory));
    if (!file) return InvalidArgument(std::string("libsndfile: ") + sf_strerror(nullptr));
    const auto frames = static_cast<sf_count_t>(samples.size() / static_cast<size_t>(channels));
    if (sf_writef_short(file.get(), samples.data(), frames) != frames) {
      return Internal(std::string("libsndfile write: ") + sf_strerror(file.get()));
    }
  }
  return memory.Take();
}

}  // namespace maestro::audio
