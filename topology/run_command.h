// RunCommand: runs a program (iproute2's `ip` and `tc`) without a shell and reports its failure with its stderr.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace maestro::topology {

// Runs argv[0] (a path, or a name looked up in /usr/sbin, /sbin, /usr/bin, /bin) with argv, waits for it.
// RETURNS its stdout, or kUnavailable with the command line, exit status and stderr when it fails.
// THREAD-SAFETY: safe from any thread.
Result<std::string> RunCommand(const std::vector<std::string>& argv);

}  // namespace maestro::topology
