#include "models/wheel.h"

#include <gtest/gtest.h>

#include "tests/models/fake_index.h"
#include "tests/support/test_support.h"

namespace maestro::models {
namespace {

using maestro::testing::ReadFile;
using maestro::testing::TempDir;
using maestro::testing::WriteFile;

TEST(WheelTest, ExtractsOneMemberThroughAPartialFile) {
  TempDir dir;
  std::string big(200000, 'w');
  WriteFile(dir.path() / "a.whl", testing::MakeWheel(dir.path(), {{"pkg/data/big.bin", big}, {"pkg/x.txt", "x"}}));
  auto out = dir.path() / "big.bin";
  ASSERT_TRUE(ExtractMember((dir.path() / "a.whl").string(), "pkg/data/big.bin", out.string(), 1u << 20).ok());
  EXPECT_EQ(ReadFile(out), big);
  EXPECT_FALSE(std::filesystem::exists(out.string() + ".partial"));
}

TEST(WheelTest, MissingOversizedAndBrokenArchivesAreTypedErrors) {
  TempDir dir;
  std::string wheel = testing::MakeWheel(dir.path(), {{"pkg/data/big.bin", std::string(5000, 'w')}});
  WriteFile(dir.path() / "a.whl", wheel);
  std::string archive = (dir.path() / "a.whl").string(), out = (dir.path() / "out").string();
  EXPECT_EQ(ExtractMember(archive, "pkg/other", out, 1u << 20).code(), StatusCode::kNotFound);
  EXPECT_EQ(ExtractMember(archive, "pkg/data/big.bin", out, 4999).code(), StatusCode::kPayloadTooLarge);
  EXPECT_EQ(ExtractMember((dir.path() / "none.whl").string(), "pkg/data/big.bin", out, 1u << 20).code(),
            StatusCode::kNotFound);
  WriteFile(dir.path() / "text.whl", "this is not a zip archive at all");
  EXPECT_EQ(ExtractMember((dir.path() / "text.whl").string(), "pkg/data/big.bin", out, 1u << 20).code(),
            StatusCode::kInvalidArgument);
  // A wheel cut short loses its central directory.
  WriteFile(dir.path() / "cut.whl", wheel.substr(0, wheel.size() / 2));
  EXPECT_EQ(ExtractMember((dir.path() / "cut.whl").string(), "pkg/data/big.bin", out, 1u << 20).code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace maestro::models
