#include "tests/support/test_support.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>
#include <vector>

#include "audio/wav.h"

namespace maestro::testing {

std::string ToneWav(double seconds, int sample_rate) {
  std::vector<int16_t> samples(static_cast<size_t>(seconds * sample_rate));
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i] = static_cast<int16_t>(2000 * std::sin(2 * M_PI * 440.0 * static_cast<double>(i) / sample_rate));
  }
  return audio::EncodeWav(samples, sample_rate);
}

std::string MaestroBinary() {
  const char* path = std::getenv("MAESTRO_BINARY");
  return path != nullptr ? path : MAESTRO_TEST_BINARY;
}

std::string SourceDir() {
  const char* path = std::getenv("MAESTRO_SOURCE_DIR");
  return path != nullptr ? path : MAESTRO_TEST_SOURCE_DIR;
}

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() / ("maestro-test-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

int TimeScale() {
  const char* value = std::getenv("MAESTRO_TEST_TIME_SCALE");
  const int scale = value != nullptr ? std::atoi(value) : 1;
  return std::clamp(scale, 1, 20);
}

std::string ScaledDuration(int ms) {
  return std::to_string(ms * TimeScale()) + "ms";
}

std::string SharedDataDir() {
  if (const char* env = std::getenv("MAESTRO_SHARED_DATA"); env != nullptr && std::filesystem::is_directory(env)) {
    return env;
  }
  auto candidate = std::filesystem::path(SourceDir()).parent_path() / "shared" / "data";
  if (std::filesystem::is_directory(candidate)) return candidate.string();
  return "";
}

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace maestro::testing
