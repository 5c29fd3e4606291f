#include "common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>

namespace maestro {

void InitLogging(const std::string& component, const std::string& level) {
  auto logger = spdlog::stderr_logger_mt(component);
  logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%e","level":"%l","component":"%n","pid":%P,"msg":"%v"})");
  const char* env = std::getenv("MAESTRO_LOG_LEVEL");
  logger->set_level(spdlog::level::from_str(env != nullptr ? env : level));
  spdlog::set_default_logger(logger);
}

}  // namespace maestro
