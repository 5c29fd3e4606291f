#include "engines/common/text_limit.h"

namespace maestro {

Status CheckSynthesisText(const std::string& engine, const std::string& text, size_t max_bytes) {
  if (text.empty()) return InvalidArgument(engine + ": empty text");
  if (text.size() > max_bytes) {
    return InvalidArgument(engine + ": text of " + std::to_string(text.size()) + " bytes is above the limit of " +
                           std::to_string(max_bytes));
  }
  return Status();
}

}  // namespace maestro
