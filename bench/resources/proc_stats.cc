#include "bench/resources/proc_stats.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace maestro::bench {

long ClockTicksPerSecond() {
  static const long ticks = sysconf(_SC_CLK_TCK);
  return ticks;
}

Result<ProcStat> ReadProcStat(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream stat_file(dir + "/stat");
  if (!stat_file) return Status(StatusCode::kNotFound, "process " + std::to_string(pid) + " is gone");
  std::string line;
  std::getline(stat_file, line);
  // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return Internal("unparsable " + dir + "/stat");
  std::istringstream fields(line.substr(close + 1));
  std::string token;
  uint64_t utime = 0;
  uint64_t stime = 0;
  // After ')' come fields 3 (state) onwards; utime and stime are fields 14 and 15.
  for (int field = 3; field <= 15 && fields >> token; ++field) {
    if (field == 14) utime = std::stoull(token);
    if (field == 15) stime = std::stoull(token);
  }
  if (!fields) return Internal("short " + dir + "/stat");

  std::ifstream statm_file(dir + "/statm");
  uint64_t size_pages = 0;
  uint64_t resident_pages = 0;
  if (!(statm_file >> size_pages >> resident_pages)) {
    return Status(StatusCode::kNotFound, "process " + std::to_string(pid) + " is gone");
  }
  static const uint64_t page_size = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return ProcStat{utime + stime, resident_pages * page_size};
}

}  // namespace maestro::bench
