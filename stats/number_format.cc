#include "stats/number_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace maestro::stats {

std::string FormatSignificant(double value, int significant) {
  if (std::isnan(value)) return "n/a";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  const double magnitude = std::fabs(value);
  if (value == std::floor(value) && magnitude < 1e6) {  // counts and degrees of freedom
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
    return buffer;
  }
  if (magnitude >= 1e6 || magnitude < 1e-3) {
    std::snprintf(buffer, sizeof buffer, "%.*e", significant - 1, value);
  } else {
    const int decimals = significant - 1 - static_cast<int>(std::floor(std::log10(magnitude)));
    std::snprintf(buffer, sizeof buffer, "%.*f", std::clamp(decimals, 0, 6), value);
  }
  return buffer;
}

}  // namespace maestro::stats
