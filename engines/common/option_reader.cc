#include "engines/common/option_reader.h"

#include "common/parse_number.h"

namespace maestro {

OptionReader::OptionReader(std::string engine, EngineOptions options)
    : engine_(std::move(engine)), options_(std::move(options)) {}

std::string OptionReader::TakeString(const std::string& key, const std::string& fallback) {
  auto it = options_.find(key);
  if (it == options_.end()) return fallback;
  std::string value = std::move(it->second);
  options_.erase(it);
  return value;
}

Result<long> OptionReader::TakeInteger(const std::string& key, long fallback, long min, long max) {
  auto it = options_.find(key);
  if (it == options_.end()) return fallback;
  const std::string& text = it->second;
  const auto value = ParseNumber<long>(text);
  if (!value || *value < min || *value > max) {
    return InvalidArgument(engine_ + " option " + key + "='" + text + "' must be an integer from " +
                           std::to_string(min) + " to " + std::to_string(max));
  }
  options_.erase(it);
  return *value;
}

Result<double> OptionReader::TakeNumber(const std::string& key, double fallback, double min, double max) {
  auto it = options_.find(key);
  if (it == options_.end()) return fallback;
  const std::string& text = it->second;
  const auto value = ParseNumber<double>(text);
  if (!value || !(*value >= min && *value <= max)) {
    return InvalidArgument(engine_ + " option " + key + "='" + text + "' must be a number from " + std::to_string(min) +
                           " to " + std::to_string(max));
  }
  options_.erase(it);
  return *value;
}

Status OptionReader::Finish() const {
  if (options_.empty()) return Status();
  return InvalidArgument(engine_ + ": unknown option '" + options_.begin()->first + "'");
}

}  // namespace maestro
