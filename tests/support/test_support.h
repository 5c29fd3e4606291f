// Helpers shared by Maestro's tests: test audio, files, and the paths ctest passes in.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>

namespace maestro::testing {

// A WAV file of `seconds` of a quiet tone at `sample_rate`, 16-bit mono.
std::string ToneWav(double seconds, int sample_rate = 16000);

// The built `maestro` binary ($MAESTRO_BINARY, else the one this build makes).
std::string MaestroBinary();
// The repository's root ($MAESTRO_SOURCE_DIR, else the one this build came from).
std::string SourceDir();

// A fresh directory under the system temp folder, removed by the caller's TempDir destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Polls `condition` every few milliseconds until it holds or `limit` has passed. RETURNS whether it held, so that a
// test asserts instead of waiting for ever on a call that never completes.
bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds limit);

// How much slower this build runs than a release build: $MAESTRO_TEST_TIME_SCALE (1..20, default 1), which the
// sanitizer presets set. Tests that give a measurement window of their own (bench runs), or check a timing margin,
// stretch it by this much, so that a ThreadSanitizer build, 5-15x slower, still fits inside it; release keeps 1.
int TimeScale();
// `ms` stretched by TimeScale(), written as a duration flag ("700ms").
std::string ScaledDuration(int ms);

std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, const std::string& content);

// The project owner's shared fixtures (../shared/data beside the repo, or $MAESTRO_SHARED_DATA), or "" when
// absent. Only the *OnSharedData checks read them (scripts/check-shared-data.sh), never a ctest test.
std::string SharedDataDir();

}  // namespace maestro::testing
