// `maestro --version` names the commit the binary was built from, which every experiment manifest records too.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/support/maestro_process.h"
#include "tests/support/test_support.h"

namespace maestro {
namespace {

using namespace std::chrono_literals;

std::string HeadCommit() {
  const std::string command = "git -C '" + testing::SourceDir() + "' rev-parse --short=12 HEAD 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  char buffer[64] = {};
  const size_t n = fread(buffer, 1, sizeof(buffer) - 1, pipe);
  pclose(pipe);
  std::string commit(buffer, n);
  while (!commit.empty() && (commit.back() == '\n' || commit.back() == '\r')) commit.pop_back();
  return commit;
}

TEST(VersionTest, NamesTheCommitTheBinaryWasBuiltFrom) {
  const std::string head = HeadCommit();
  ASSERT_EQ(head.size(), 12u) << "the source tree is a git checkout";
  testing::MaestroProcess version({"--version"});
  EXPECT_TRUE(version.WaitFor("maestro 0.", 10s)) << version.seen;
  EXPECT_EQ(version.Wait(), 0);
  // A binary built before the last commit would name an older one ("+dirty" follows when files differ).
  EXPECT_NE(version.seen.find("(" + head), std::string::npos) << version.seen << " vs HEAD " << head;
}

}  // namespace
}  // namespace maestro
