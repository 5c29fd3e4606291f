// ProcStats: one reading of a process's cumulative CPU time and resident memory from /proc.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "common/status.h"

namespace maestro::bench {

struct ProcStat {
  uint64_t cpu_ticks = 0;  // utime + stime, in clock ticks (see ClockTicksPerSecond)
  uint64_t rss_bytes = 0;  // resident set size
};

// Reads /proc/<pid>/stat and /proc/<pid>/statm. RETURNS NotFound when the process is gone, Internal when the
// files cannot be parsed.
Result<ProcStat> ReadProcStat(pid_t pid);

// sysconf(_SC_CLK_TCK), cached.
long ClockTicksPerSecond();

}  // namespace maestro::bench
