#include "pipeline/answer_voice.h"

#include "common/text.h"

namespace maestro {

std::string AnswerVoice(const std::string& configured, std::string_view language) {
  if (!configured.empty()) return configured;
  return Lower(language).rfind("pt", 0) == 0 ? "pt-br" : "";
}

}  // namespace maestro
