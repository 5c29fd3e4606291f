// Status codes on the wire: protocols that carry a Maestro status by name (a Thrift ServiceError's `code`, a
// gRPC trailer) turn the name back into the same StatusCode with this.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"

namespace maestro {

// RETURNS the code whose StatusCodeName is `name`, or nullopt for a name no Maestro peer sends.
inline std::optional<StatusCode> StatusCodeFromName(const std::string& name) {
  for (int i = static_cast<int>(StatusCode::kOk); i <= static_cast<int>(StatusCode::kInternal); ++i) {
    auto code = static_cast<StatusCode>(i);
    if (name == StatusCodeName(code)) return code;
  }
  return std::nullopt;
}

}  // namespace maestro
