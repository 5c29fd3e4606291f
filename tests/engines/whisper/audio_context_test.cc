// The encoder width chosen for a clip: the clip's own positions plus a margin, within a floor and the window.
#include "engines/whisper/audio_context.h"

#include <gtest/gtest.h>

namespace maestro::whisper {
namespace {

constexpr int kBaseWindow = 1500;
constexpr size_t kSecond = 16000;

TEST(FittedAudioContextTest, ZeroFloorKeepsTheFullWindow) {
  EXPECT_EQ(FittedAudioContext(kSecond, 0, kBaseWindow), 0);
  EXPECT_EQ(FittedAudioContext(kWindowSamples, 0, kBaseWindow), 0);
}

TEST(FittedAudioContextTest, FollowsTheClipBetweenTheFloorAndTheWindow) {
  EXPECT_EQ(FittedAudioContext(kSecond, 512, kBaseWindow), 512);                // 1 s: 50 + 64 positions, floored
  EXPECT_EQ(FittedAudioContext(kSecond * 10, 256, kBaseWindow), 500 + 64);      // 10 s: 500 positions + margin
  EXPECT_EQ(FittedAudioContext(kSecond * 10 + 1, 256, kBaseWindow), 501 + 64);  // a partial position counts
  EXPECT_EQ(FittedAudioContext(kWindowSamples, 256, kBaseWindow), kBaseWindow);
  EXPECT_EQ(FittedAudioContext(kWindowSamples * 2, 256, kBaseWindow), kBaseWindow);
}

}  // namespace
}  // namespace maestro::whisper
