#include "audio/decode.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "audio/wav.h"

namespace maestro::audio {
namespace {

// A `seconds` long tone of `hz` at `rate`, the same on every channel, interleaved.
std::vector<int16_t> Tone(double hz, int rate, int channels, double seconds) {
  std::vector<int16_t> samples;
  const auto frames = static_cast<size_t>(seconds * rate);
  for (size_t i = 0; i < frames; ++i) {
    const auto value = static_cast<int16_t>(8000 * std::sin(2 * M_PI * hz * static_cast<double>(i) / rate));
    for (int c = 0; c < channels; ++c) samples.push_back(value);
  }
  return samples;
}

// The tone's frequency, estimated from zero crossings (robust to codec noise for a loud pure tone).
double EstimateHz(const std::vector<int16_t>& samples, int rate) {
  int crossings = 0;
  for (size_t i = 1; i < samples.size(); ++i) crossings += (samples[i - 1] < 0) != (samples[i] < 0);
  return crossings / 2.0 / (static_cast<double>(samples.size()) / rate);
}

std::filesystem::path SharedData() {
  if (const char* env = std::getenv("MAESTRO_SHARED_DATA")) return env;
  return std::filesystem::path(MAESTRO_TEST_SOURCE_DIR) / ".." / "shared" / "data";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct Case {
  const char* container;
  int rate;
  int channels;
};

class DecodeEveryContainer : public ::testing::TestWithParam<Case> {};

TEST_P(DecodeEveryContainer, ToneSurvivesAsSixteenKilohertzMono) {
  const Case c = GetParam();
  auto encoded = EncodeAs(c.container, Tone(440, c.rate, c.channels, 2.0), c.rate, c.channels);
  ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
  EXPECT_EQ(SniffContainer(*encoded), c.container);

  auto decoded = DecodeToSpeechPcm(*encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->container, c.container);
  EXPECT_EQ(decoded->source_rate, c.rate);
  EXPECT_EQ(decoded->source_channels, c.channels);
  // Lossy codecs pad a little at the ends.
  EXPECT_NEAR(decoded->seconds(), 2.0, 0.1);
  EXPECT_NEAR(EstimateHz(decoded->samples, kSpeechSampleRate), 440, 10);
  int16_t peak = 0;
  for (int16_t s : decoded->samples) peak = std::max<int16_t>(peak, static_cast<int16_t>(std::abs(s)));
  EXPECT_NEAR(peak, 8000, 1200);
}

INSTANTIATE_TEST_SUITE_P(Formats, DecodeEveryContainer,
                         ::testing::Values(Case{"wav", 16000, 1}, Case{"wav", 44100, 2}, Case{"wav", 8000, 1},
                                           Case{"flac", 48000, 2}, Case{"flac", 22050, 1}, Case{"ogg", 44100, 2},
                                           Case{"ogg", 22050, 1}, Case{"mp3", 16000, 1}),
                         [](const auto& info) {
                           return std::string(info.param.container) + std::to_string(info.param.rate) + "x" +
                                  std::to_string(info.param.channels);
                         });

// libsndfile cannot write stereo MP3 (see EncodeAs), so lame, an independent encoder, makes one.
TEST(DecodeTest, ReadsStereoMp3MadeByLame) {
  if (std::system("command -v lame >/dev/null 2>&1") != 0)
    GTEST_FAIL() << "lame is not installed (scripts/bootstrap.sh installs it)";
  const auto dir = std::filesystem::temp_directory_path() / ("maestro_decode_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "tone.wav", std::ios::binary) << EncodeWav(Tone(440, 44100, 2, 2.0), 44100, 2); }
  const std::string command = "lame --quiet " + (dir / "tone.wav").string() + " " + (dir / "tone.mp3").string();
  ASSERT_EQ(std::system(command.c_str()), 0);
  auto decoded = DecodeToSpeechPcm(ReadFile(dir / "tone.mp3"));
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->container, "mp3");
  EXPECT_EQ(decoded->source_channels, 2);
  EXPECT_NEAR(decoded->seconds(), 2.0, 0.1);
  EXPECT_NEAR(EstimateHz(decoded->samples, kSpeechSampleRate), 440, 10);
}

TEST(DecodeTest, ReadsTheHandWrittenWavEncoder) {
  auto decoded = DecodeToSpeechPcm(EncodeWav(Tone(300, 22050, 1, 1.0), 22050));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_NEAR(decoded->seconds(), 1.0, 0.01);
  EXPECT_NEAR(EstimateHz(decoded->samples, kSpeechSampleRate), 300, 5);
}

// Found by fuzz_wav_roundtrip: 16-bit samples came back scaled by 32767/32768, one step off near full scale.
TEST(DecodeTest, SixteenKilohertzMonoPcmPassesThroughExactly) {
  std::vector<int16_t> samples = {0, 1, -1, 32767, -32768, 12345, -23456, 32766, -32767};
  auto decoded = DecodeToSpeechPcm(EncodeWav(samples, kSpeechSampleRate));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->samples, samples);
}

TEST(DecodeTest, ChannelsAreAveraged) {
  // Left carries the tone, right is silent: the mono mix has half the amplitude.
  std::vector<int16_t> stereo;
  for (int16_t s : Tone(500, 16000, 1, 1.0)) {
    stereo.push_back(s);
    stereo.push_back(0);
  }
  auto decoded = DecodeToSpeechPcm(EncodeWav(stereo, 16000, 2));
  ASSERT_TRUE(decoded.ok());
  int16_t peak = 0;
  for (int16_t s : decoded->samples) peak = std::max<int16_t>(peak, static_cast<int16_t>(std::abs(s)));
  EXPECT_NEAR(peak, 4000, 50);
}

TEST(DecodeTest, NotAudioIsUnsupportedMedia) {
  for (std::string bytes : {std::string("hello, this is plain text and not audio at all"), std::string(4096, '\x7f'),
                            std::string("{\"json\": true}")}) {
    auto decoded = DecodeToSpeechPcm(bytes);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.status().code(), StatusCode::kUnsupportedMedia) << decoded.status().ToString();
    EXPECT_NE(decoded.status().message().find("not a readable"), std::string::npos);
  }
}

TEST(DecodeTest, TruncatedFilesAreUnsupportedMedia) {
  const auto wav = EncodeWav(Tone(440, 16000, 1, 1.0), 16000);
  auto header_only = DecodeToSpeechPcm(wav.substr(0, 20));
  EXPECT_EQ(header_only.status().code(), StatusCode::kUnsupportedMedia);
  auto flac = EncodeAs("flac", Tone(440, 16000, 1, 1.0), 16000);
  ASSERT_TRUE(flac.ok());
  auto flac_head = DecodeToSpeechPcm(flac->substr(0, 30));
  EXPECT_EQ(flac_head.status().code(), StatusCode::kUnsupportedMedia) << flac_head.status().ToString();
  // A WAV header that promises data but carries none.
  auto no_samples = DecodeToSpeechPcm(wav.substr(0, 44));
  EXPECT_EQ(no_samples.status().code(), StatusCode::kUnsupportedMedia) << no_samples.status().ToString();
}

// Corrupted files must come back as a typed error or as audio, never as a crash or a hang.
TEST(DecodeTest, CorruptedBytesNeverCrash) {
  std::mt19937 rng(1234);
  for (const char* container : {"wav", "flac", "ogg", "mp3"}) {
    auto encoded = EncodeAs(container, Tone(440, 22050, 1, 0.5), 22050);
    ASSERT_TRUE(encoded.ok());
    for (int round = 0; round < 150; ++round) {
      std::string bytes = *encoded;
      const int flips = 1 + static_cast<int>(rng() % 16);
      for (int i = 0; i < flips; ++i) bytes[rng() % bytes.size()] = static_cast<char>(rng());
      if (round % 3 == 0) bytes.resize(rng() % bytes.size() + 1);
      auto decoded = DecodeToSpeechPcm(bytes, {.max_seconds = 10});
      if (!decoded.ok()) {
        const auto code = decoded.status().code();
        EXPECT_TRUE(code == StatusCode::kUnsupportedMedia || code == StatusCode::kPayloadTooLarge)
            << container << ": " << decoded.status().ToString();
      }
    }
  }
}

TEST(DecodeTest, EmptyInputIsInvalid) {
  EXPECT_EQ(DecodeToSpeechPcm("").status().code(), StatusCode::kInvalidArgument);
}

TEST(DecodeTest, ByteLimitComesBeforeParsing) {
  const auto wav = EncodeWav(Tone(440, 16000, 1, 1.0), 16000);
  auto decoded = DecodeToSpeechPcm(wav, {.max_bytes = 1000});
  EXPECT_EQ(decoded.status().code(), StatusCode::kPayloadTooLarge);
  EXPECT_NE(decoded.status().message().find("1000"), std::string::npos);
}

TEST(DecodeTest, DurationLimitAppliesToEveryContainer) {
  for (const char* container : {"wav", "flac", "ogg", "mp3"}) {
    auto encoded = EncodeAs(container, Tone(440, 16000, 1, 3.0), 16000);
    ASSERT_TRUE(encoded.ok());
    auto decoded = DecodeToSpeechPcm(*encoded, {.max_seconds = 2});
    EXPECT_EQ(decoded.status().code(), StatusCode::kPayloadTooLarge) << container;
    EXPECT_TRUE(DecodeToSpeechPcm(*encoded, {.max_seconds = 4}).ok()) << container;
  }
}

TEST(DecodeTest, DefaultDurationLimitIsFiveMinutes) {
  auto decoded = DecodeToSpeechPcm(EncodeWav(std::vector<int16_t>(8000 * 301, 1), 8000));
  EXPECT_EQ(decoded.status().code(), StatusCode::kPayloadTooLarge);
}

TEST(DecodeTest, EncodeRejectsUnknownContainer) {
  EXPECT_EQ(EncodeAs("aiff2", Tone(440, 16000, 1, 0.1), 16000).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeAs("mp3", Tone(440, 16000, 2, 0.1), 16000, 2).status().code(), StatusCode::kInvalidArgument);
}

TEST(DecodeTest, ResampleKeepsDurationAndPitch) {
  auto out = Resample(Tone(440, 22050, 1, 1.0), 22050, 16000);
  ASSERT_TRUE(out.ok());
  EXPECT_NEAR(static_cast<double>(out->size()), 16000, 20);
  EXPECT_NEAR(EstimateHz(*out, 16000), 440, 5);
  EXPECT_EQ(Resample(Tone(440, 22050, 1, 0.1), 22050, 10).status().code(), StatusCode::kInvalidArgument);
}

TEST(DecodeTest, DecodesSpeechOnSharedData) {
  const auto root = SharedData() / "speech";
  if (!std::filesystem::exists(root)) GTEST_FAIL() << root << " is absent";
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const auto ext = entry.path().extension();
    if (ext != ".wav" && ext != ".flac" && ext != ".mp3" && ext != ".ogg") continue;
    auto decoded = DecodeToSpeechPcm(ReadFile(entry.path()));
    ASSERT_TRUE(decoded.ok()) << entry.path() << ": " << decoded.status().ToString();
    EXPECT_GT(decoded->seconds(), 0.3) << entry.path();
    EXPECT_LT(decoded->seconds(), 30) << entry.path();
    ++files;
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace maestro::audio
