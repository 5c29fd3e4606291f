#include "bench/load/load_config.h"

#include <cmath>
#include <stdexcept>

#include "common/parse_number.h"

namespace maestro::bench {
namespace {

bool HasLineBreak(const std::string& s) {
  return s.find_first_of("\r\n") != std::string::npos;
}

}  // namespace

Status ValidateLoadConfig(const LoadConfig& c) {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  if (c.url.empty()) return InvalidArgument("load: url is required");
  if (c.method.empty() || c.method.find_first_of(" \r\n") != std::string::npos) {
    return InvalidArgument("load: method must be one token");
  }
  for (const auto& [name, value] : c.headers) {
    if (name.empty() || name.find_first_of(": \r\n") != std::string::npos || HasLineBreak(value)) {
      return InvalidArgument("load: bad header '" + name + "'");
    }
  }
  if (HasLineBreak(c.content_type) || HasLineBreak(c.multipart_field) ||
      c.multipart_field.find('"') != std::string::npos) {
    return InvalidArgument("load: content type and field name must be single-line");
  }
  if (c.body.size() > (size_t{256} << 20)) return InvalidArgument("load: body larger than 256 MiB");
  if (c.mode == LoadMode::kClosed) {
    if (c.vus < 1 || c.vus > 100000) return InvalidArgument("load: vus must be in [1, 100000]");
    if (c.think_time.count() < 0 || c.think_time > hours(1)) return InvalidArgument("load: think time in [0, 1h]");
  } else {
    if (!std::isfinite(c.rate) || c.rate <= 0 || c.rate > 10'000'000) {
      return InvalidArgument("load: rate must be in (0, 10000000] requests/s");
    }
    if (c.max_outstanding < 1 || c.max_outstanding > 100000)
      return InvalidArgument("load: max-outstanding in [1, 100000]");
    if (c.connections < 0 || c.connections > 100000) return InvalidArgument("load: connections in [0, 100000]");
    if (c.late_threshold.count() < 0) return InvalidArgument("load: late threshold must be >= 0");
  }
  if (c.duration < milliseconds(10) || c.duration > hours(24)) return InvalidArgument("load: duration in [10ms, 24h]");
  if (c.warmup.count() < 0 || c.warmup > hours(1)) return InvalidArgument("load: warm-up in [0, 1h]");
  if (c.timeout < milliseconds(1) || c.timeout > hours(1)) return InvalidArgument("load: timeout in [1ms, 1h]");
  if (c.threads < 1 || c.threads > 64) return InvalidArgument("load: threads in [1, 64]");
  if (c.max_response_body_bytes < 1) return InvalidArgument("load: max response body must be >= 1 byte");
  return Status::Ok();
}

}  // namespace maestro::bench

namespace maestro::bench {

Result<std::chrono::nanoseconds> ParseDuration(const std::string& text) {
  const size_t used = text.find_first_not_of("0123456789.eE+-");
  const std::string_view number = std::string_view(text).substr(0, used);
  const auto parsed = ParseNumber<double>(number);
  if (!parsed) return InvalidArgument("bad duration '" + text + "'");
  const double value = *parsed;
  const std::string unit = used == std::string::npos ? "" : text.substr(used);
  double scale = 0;
  if (unit.empty() || unit == "s") {
    scale = 1e9;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "us") {
    scale = 1e3;
  } else if (unit == "m") {
    scale = 60e9;
  } else if (unit == "h") {
    scale = 3600e9;
  } else {
    return InvalidArgument("bad duration unit in '" + text + "' (use us, ms, s, m or h)");
  }
  if (!std::isfinite(value) || value < 0 || value * scale > 1e18) return InvalidArgument("bad duration '" + text + "'");
  return std::chrono::nanoseconds(static_cast<int64_t>(value * scale));
}

}  // namespace maestro::bench
