// MaestroProcess: the built `maestro` binary run as a user runs it (`maestro up ...`), its stdout and stderr read
// until a pattern appears. Tests of commands use it instead of starting the pieces in-process.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace maestro::testing {

struct MaestroProcess {
  // Starts `prefix... maestro args...` (a prefix such as {"/usr/bin/unshare", "-n"} wraps the binary).
  explicit MaestroProcess(std::vector<std::string> args, std::vector<std::string> prefix = {});
  MaestroProcess(const MaestroProcess&) = delete;
  MaestroProcess& operator=(const MaestroProcess&) = delete;
  // Kills the process if it still runs.
  ~MaestroProcess();

  // Reads output until `text` has appeared, the output ends, or `timeout` passes. RETURNS whether it appeared.
  bool WaitFor(const std::string& text, std::chrono::seconds timeout = std::chrono::seconds(60));
  // RETURNS the exit code (128 + signal when killed), or -1 when it still runs after `timeout`: it is then killed,
  // so a hang fails the test instead of stalling the suite.
  int Wait(std::chrono::seconds timeout = std::chrono::seconds(30));

  pid_t pid = -1;
  int out = -1;      // the read end of its stdout and stderr
  std::string seen;  // everything read so far
};

}  // namespace maestro::testing
