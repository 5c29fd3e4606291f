#include "engines/stt_eval/stt_evaluation.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audio/decode.h"
#include "domain/blocking.h"
#include "engines/stt_eval/text_normalizer.h"

namespace maestro::stt_eval {
namespace {

constexpr size_t kMaxClips = 100000;

}  // namespace

Result<std::vector<ManifestEntry>> ReadManifest(const std::string& manifest_path) {
  std::ifstream in(manifest_path);
  if (!in) return Status(StatusCode::kNotFound, "cannot read manifest " + manifest_path);
  const auto folder = std::filesystem::path(manifest_path).parent_path();
  std::vector<ManifestEntry> entries;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos || tab == 0) {
      return InvalidArgument(manifest_path + ":" + std::to_string(number) + ": expected audio_path<TAB>reference");
    }
    if (entries.size() >= kMaxClips) return InvalidArgument(manifest_path + ": more than 100000 clips");
    std::filesystem::path audio(line.substr(0, tab));
    if (audio.is_relative()) audio = folder / audio;
    entries.push_back({audio.string(), line.substr(tab + 1)});
  }
  return entries;
}

Evaluation Evaluate(SpeechToText& engine, const std::vector<ManifestEntry>& entries, int64_t per_clip_ms) {
  Evaluation evaluation;
  for (const auto& entry : entries) {
    ClipResult clip;
    clip.entry = entry;
    const auto reference = NormalizeWords(entry.reference);
    std::ifstream in(entry.audio_path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    if (!in) {
      clip.error = "cannot read " + entry.audio_path;
    } else {
      // The clip's length, for the real-time factor; the engine decodes the original bytes itself.
      if (auto decoded = audio::DecodeToSpeechPcm(bytes.str()); decoded.ok()) clip.audio_seconds = decoded->seconds();
      const auto start = std::chrono::steady_clock::now();
      auto transcript = TranscribeBlocking(engine, AudioClip{bytes.str(), entry.audio_path, ""},
                                           Deadline::In(std::chrono::milliseconds(per_clip_ms)));
      clip.decode_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (transcript.ok()) {
        clip.hypothesis = transcript->text;
        clip.confidence = transcript->confidence;
      } else {
        clip.error = transcript.status().ToString();
      }
    }
    clip.errors =
        AlignWords(reference, clip.error.empty() ? NormalizeWords(clip.hypothesis) : std::vector<std::string>{});
    evaluation.total += clip.errors;
    if (clip.error.empty()) {
      evaluation.audio_seconds += clip.audio_seconds;
      evaluation.decode_seconds += clip.decode_seconds;
    }
    evaluation.clips.push_back(std::move(clip));
  }
  return evaluation;
}

}  // namespace maestro::stt_eval
