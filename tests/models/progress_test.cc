#include "models/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace maestro::models {
namespace {

// Everything `write` prints into a Progress over a temporary FILE.
template <typename Write>
std::string Capture(bool terminal, Write write) {
  FILE* file = std::tmpfile();
  {
    auto progress = MakeStreamProgress(file, terminal);
    write(*progress);
  }
  std::rewind(file);
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) text.append(buffer, n);
  std::fclose(file);
  return text;
}

TEST(ProgressTest, ATerminalGetsARedrawnBar) {
  std::string text = Capture(true, [](Progress& progress) {
    progress.Begin("pkg-part1", 2000000, 0);
    progress.Advance(2000000);
    progress.End(true);
  });
  EXPECT_EQ(text.front(), '\r');
  EXPECT_NE(text.find("[##############################] 100% 2.0 MB/2.0 MB"), std::string::npos) << text;
}

TEST(ProgressTest, ALogGetsLinesWithoutCarriageReturns) {
  std::string text = Capture(false, [](Progress& progress) {
    progress.Note("demo: starting");
    progress.Begin("pkg-part1", 2000000, 500000);
    progress.Advance(1000000);  // within 10 s of the start: no line
    progress.End(false);
  });
  EXPECT_EQ(text,
            "demo: starting\n  pkg-part1: downloading 2.0 MB, resuming at 0.5 MB\n  pkg-part1: failed at 1.0 MB\n");
}

}  // namespace
}  // namespace maestro::models
