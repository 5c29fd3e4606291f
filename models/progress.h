// Progress: how a fetch reports what it is doing. A terminal gets a redrawn bar; a log or pipe gets a line at the
// start, about every 10 seconds, and at the end of each transfer.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace maestro::models {

class Progress {
 public:
  virtual ~Progress() = default;
  // A step worth one line ("whisper-base: extracting ...").
  virtual void Note(const std::string& line) = 0;
  // A transfer of `total` bytes (0: unknown) starts, `already` of them present from an earlier attempt.
  virtual void Begin(const std::string& label, uint64_t total, uint64_t already) = 0;
  // `done` bytes of the current transfer are present. Called often; implementations throttle.
  virtual void Advance(uint64_t done) = 0;
  // The current transfer ended (successfully or not).
  virtual void End(bool ok) = 0;
};

// Writes to `out` (not owned; usually stderr): a bar when `terminal`, periodic lines otherwise.
std::unique_ptr<Progress> MakeStreamProgress(FILE* out, bool terminal);
// Discards everything (tests, --quiet).
std::unique_ptr<Progress> MakeSilentProgress();

}  // namespace maestro::models
