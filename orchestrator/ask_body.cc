#include "orchestrator/ask_body.h"

#include <nlohmann/json.hpp>

namespace maestro {

Result<std::string> ParseAskBody(std::string_view body) {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  auto question = parsed.is_object() ? parsed.find("question") : parsed.end();
  if (question == parsed.end() || !question->is_string()) return InvalidArgument("send JSON {\"question\": \"...\"}");
  return question->get<std::string>();
}

}  // namespace maestro
