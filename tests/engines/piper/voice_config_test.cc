// A Piper voice configuration read as Piper's models expect, and a sentence's phonemes turned into their ids.
#include "engines/piper/voice_config.h"

#include <gtest/gtest.h>

namespace maestro::piper {
namespace {

// The shape of a real .onnx.json (en_US-joe-medium), with a short table.
constexpr const char* kConfig = R"({
  "audio": {"sample_rate": 22050, "quality": "medium"},
  "espeak": {"voice": "en-us"},
  "inference": {"noise_scale": 0.5, "length_scale": 1.25, "noise_w": 0.75},
  "phoneme_type": "espeak",
  "num_speakers": 1,
  "language": {"code": "en_US"},
  "phoneme_id_map": {"_": [0], "^": [1], "$": [2], " ": [3], ".": [10], "h": [20], "ə": [59], "ˈ": [120],
                     "ʊ": [100, 101]}
})";

VoiceConfig Parsed(const std::string& text = kConfig) {
  auto config = ParseVoiceConfig(text);
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return config.ok() ? *config : VoiceConfig{};
}

TEST(VoiceConfigTest, ReadsWhatTheVoiceSaysAboutItself) {
  const VoiceConfig config = Parsed();
  EXPECT_EQ(config.sample_rate, 22050);
  EXPECT_EQ(config.espeak_voice, "en-us");
  EXPECT_EQ(config.language, "en_US");
  EXPECT_EQ(config.speakers, 1);
  EXPECT_FLOAT_EQ(config.noise_scale, 0.5F);
  EXPECT_FLOAT_EQ(config.length_scale, 1.25F);
  EXPECT_FLOAT_EQ(config.noise_w, 0.75F);
  EXPECT_EQ(config.phoneme_ids.at(U'ə'), std::vector<int64_t>{59});
}

TEST(VoiceConfigTest, IdsAreStartPadThenEachPhonemeAndPadThenEnd) {
  const VoiceConfig config = Parsed();
  size_t unknown = 0;
  EXPECT_EQ(PhonemeIds(config, "hˈə.", &unknown), (std::vector<int64_t>{1, 0, 20, 0, 120, 0, 59, 0, 10, 0, 2}));
  EXPECT_EQ(unknown, 0U);
}

TEST(VoiceConfigTest, APhonemeWithSeveralIdsKeepsThemAll) {
  EXPECT_EQ(PhonemeIds(Parsed(), "ʊ"), (std::vector<int64_t>{1, 0, 100, 101, 0, 2}));
}

TEST(VoiceConfigTest, PhonemesTheTableLacksAndBrokenUtf8AreSkippedAndCounted) {
  size_t unknown = 0;
  const std::string text =
      "h\xC3"
      "ə"
      "\xE2\x82"
      "x";
  EXPECT_EQ(PhonemeIds(Parsed(), text, &unknown), (std::vector<int64_t>{1, 0, 20, 0, 59, 0, 2}));
  EXPECT_EQ(unknown, 4U);  // each byte of the broken sequences, and the x
}

TEST(VoiceConfigTest, WhatIsMissingOrWrongIsNamed) {
  struct Case {
    std::string text, says;
  };
  const std::vector<Case> cases = {
      {"not json", "not a JSON object"},
      {R"({"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-us"}})", "phoneme_id_map is missing"},
      {R"({"audio": {"sample_rate": 100}, "espeak": {"voice": "en-us"}, "phoneme_id_map": {}})", "sample_rate"},
      {R"({"audio": {"sample_rate": 22050}, "phoneme_id_map": {}})", "espeak.voice"},
      {R"({"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-us"}, "phoneme_type": "text",
           "phoneme_id_map": {}})",
       "phoneme_type"},
      {R"({"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-us"}, "phoneme_id_map": {"_": [0]}})", "start '^'"},
      {R"({"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-us"}, "phoneme_id_map": {"ab": [0]}})",
       "not one character"},
      {R"({"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-us"}, "phoneme_id_map": {"_": ["x"]}})",
       "non-integer"},
      {std::string(2 << 20, ' '), "1 MiB"},
  };
  for (const auto& c : cases) {
    auto config = ParseVoiceConfig(c.text);
    ASSERT_FALSE(config.ok()) << c.says;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(config.status().message().find(c.says), std::string::npos) << config.status().message();
  }
}

}  // namespace
}  // namespace maestro::piper
