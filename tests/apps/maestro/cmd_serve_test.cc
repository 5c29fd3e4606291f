// `maestro serve`'s flags as a user types them: the real binary in a child process.
#include <gtest/gtest.h>

#include "tests/support/maestro_process.h"

namespace maestro {
namespace {

using testing::MaestroProcess;
using namespace std::chrono_literals;

TEST(ServeFlagsTest, VoiceSessionTimesAreDurationsWithTheirDefaultsInHelp) {
  MaestroProcess help({"serve", "--help"});
  EXPECT_FALSE(help.WaitFor("no such text: read to the end", 10s));
  EXPECT_EQ(help.Wait(), 0) << help.seen;
  for (const char* shown : {"--idle-timeout TEXT=30s", "--max-session TEXT=600s", "--end-silence TEXT=600ms",
                            "--partial-every TEXT=1s", "--timeout TEXT=6s"}) {
    EXPECT_NE(help.seen.find(shown), std::string::npos) << shown << "\n" << help.seen;
  }
}

TEST(ServeFlagsTest, BadDurationsAreRefusedBeforeAnythingStarts) {
  MaestroProcess negative({"serve", "--partial-every", "-1s"});
  EXPECT_TRUE(negative.WaitFor("'-1s' is not a duration", 10s)) << negative.seen;
  EXPECT_NE(negative.Wait(), 0);

  MaestroProcess zero({"serve", "--idle-timeout", "0s"});
  EXPECT_TRUE(zero.WaitFor("'0s' is not a positive duration", 10s)) << zero.seen;
  EXPECT_NE(zero.Wait(), 0);

  MaestroProcess short_silence({"serve", "--protocol", "inproc", "--end-silence", "50ms", "--listen", "127.0.0.1:0"});
  EXPECT_TRUE(short_silence.WaitFor("--end-silence must be between 100ms and 5s", 10s)) << short_silence.seen;
  EXPECT_EQ(short_silence.Wait(), 2);
}

}  // namespace
}  // namespace maestro
