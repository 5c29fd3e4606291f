#include "engines/common/ggml_runtime.h"

#include <ggml-backend.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>

namespace maestro {
namespace {

std::string BackendDir() {
  if (const char* dir = std::getenv("MAESTRO_GGML_DIR"); dir != nullptr && *dir != '\0') return dir;
  return MAESTRO_GGML_LIB_DIR;
}

}  // namespace

void ForwardGgmlLog(ggml_log_level level, const char* text, void*) {
  std::string_view line(text);
  while (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (level == GGML_LOG_LEVEL_ERROR) {
    spdlog::error("ggml: {}", line);
  } else if (level == GGML_LOG_LEVEL_WARN) {
    spdlog::warn("ggml: {}", line);
  }
}

Status EnsureGgmlBackends() {
  static std::once_flag once;
  static Status outcome;
  std::call_once(once, [] {
    ggml_log_set(ForwardGgmlLog, nullptr);
    const std::string dir = BackendDir();
    ggml_backend_load_all_from_path(dir.c_str());
    if (ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU) == nullptr) {
      outcome = Status(StatusCode::kUnavailable,
                       "ggml: no CPU backend could be loaded from " + dir + " (set MAESTRO_GGML_DIR)");
    }
  });
  return outcome;
}

}  // namespace maestro
