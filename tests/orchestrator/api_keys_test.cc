#include "orchestrator/api_keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "orchestrator/rate_limiter.h"
#include "tests/support/test_support.h"

namespace maestro {
namespace {

TEST(ApiKeysTest, HashIsSha256InLowercaseHex) {
  EXPECT_EQ(ApiKeys::Hash("abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiKeysTest, AddStoresOnlyTheHashAndTheKeyIsFoundByName) {
  testing::TempDir dir;
  const std::string file = (dir.path() / "keys").string();
  const std::string alice = ApiKeys::Add(file, "alice").value();
  const std::string bob = ApiKeys::Add(file, "bob").value();
  EXPECT_EQ(alice.size(), 64u);
  EXPECT_NE(alice, bob);
  const std::string text = testing::ReadFile(file);
  EXPECT_EQ(text.find(alice), std::string::npos) << "the key itself was stored";
  EXPECT_NE(text.find(ApiKeys::Hash(alice) + " alice"), std::string::npos);
  struct stat info {};
  ASSERT_EQ(stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  auto keys = ApiKeys::Load(file).value();
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys.Find(alice), "alice");
  EXPECT_EQ(keys.Find(bob), "bob");
  EXPECT_EQ(keys.Find(ApiKeys::Hash(alice)), std::nullopt) << "the stored hash must not work as a key";
  EXPECT_EQ(keys.Find(""), std::nullopt);
}

TEST(ApiKeysTest, LoadRefusesMalformedLinesAndEmptyFiles) {
  testing::TempDir dir;
  const auto file = dir.path() / "keys";
  testing::WriteFile(file, "# only a comment\n\n");
  EXPECT_EQ(ApiKeys::Load(file.string()).status().code(), StatusCode::kInvalidArgument);
  testing::WriteFile(file, "plaintext-key alice\n");
  EXPECT_EQ(ApiKeys::Load(file.string()).status().code(), StatusCode::kInvalidArgument);
  testing::WriteFile(file, ApiKeys::Hash("k").substr(0, 40) + " short\n");
  EXPECT_EQ(ApiKeys::Load(file.string()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ApiKeys::Load((dir.path() / "absent").string()).status().code(), StatusCode::kNotFound);
}

TEST(ApiKeysTest, BearerTokenReadsOnlyTheBearerScheme) {
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("bearer   abc  "), "abc");
  EXPECT_EQ(BearerToken("Basic abc"), "");
  EXPECT_EQ(BearerToken("Bearer "), "");
  EXPECT_EQ(BearerToken(""), "");
}

TEST(RateLimiterTest, ABucketRefillsAtTheRateUpToTheBurst) {
  RateLimiter limiter(2, 3);
  const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("a", t0), RateLimiter::Clock::duration::zero()) << i;
  const auto wait = limiter.Take("a", t0);
  EXPECT_NEAR(std::chrono::duration<double>(wait).count(), 0.5, 1e-6);
  EXPECT_EQ(limiter.Take("b", t0), RateLimiter::Clock::duration::zero()) << "keys share a bucket";
  EXPECT_EQ(limiter.Take("a", t0 + std::chrono::milliseconds(500)), RateLimiter::Clock::duration::zero());
  EXPECT_GT(limiter.Take("a", t0 + std::chrono::milliseconds(500)), RateLimiter::Clock::duration::zero());
  // A long pause refills to the burst, not beyond.
  const auto later = t0 + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("a", later), RateLimiter::Clock::duration::zero()) << i;
  EXPECT_GT(limiter.Take("a", later), RateLimiter::Clock::duration::zero());
}

}  // namespace
}  // namespace maestro
