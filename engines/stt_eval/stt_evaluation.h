// SttEvaluation: word error rate of a speech-to-text engine over a manifest of clips with reference transcripts.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "domain/speech_to_text.h"
#include "engines/stt_eval/word_error_rate.h"

namespace maestro::stt_eval {

struct ManifestEntry {
  std::string audio_path;  // resolved against the manifest's folder
  std::string reference;
};

// Reads a manifest: one clip a line, "audio_path<TAB>reference"; blank lines and lines starting with '#' are
// skipped; relative paths are taken from the manifest's folder.
// RETURNS the entries, or kNotFound for an unreadable manifest, kInvalidArgument naming a line without a tab or
// a manifest of more than 100,000 clips.
Result<std::vector<ManifestEntry>> ReadManifest(const std::string& manifest_path);

struct ClipResult {
  ManifestEntry entry;
  std::string hypothesis;
  double confidence = 0;  // as the engine reported it
  std::string error;      // the engine's or file's error; then every reference word counts as deleted
  WordErrors errors;
  double audio_seconds = 0;
  double decode_seconds = 0;
};

struct Evaluation {
  std::vector<ClipResult> clips;
  WordErrors total;
  double audio_seconds = 0;
  double decode_seconds = 0;

  double wer() const { return total.rate(); }
  // Decoding seconds per audio second over the clips that decoded.
  double real_time_factor() const { return audio_seconds > 0 ? decode_seconds / audio_seconds : 0; }
};

// Transcribes every entry with `engine`, one at a time (so decode times are not inflated by each other), with
// `per_clip_ms` as each clip's deadline. Never fails as a whole: a clip's failure is recorded in its result.
Evaluation Evaluate(SpeechToText& engine, const std::vector<ManifestEntry>& entries, int64_t per_clip_ms = 60000);

}  // namespace maestro::stt_eval
