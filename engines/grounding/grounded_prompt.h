// The prompt a language model answers from: the original system's instruction (a financial assistant, at most
// 50 words) in the question's language, and the analyst's facts before the question.
#pragma once

#include <string>
#include <string_view>

#include "engines/analyst/analyst.h"

namespace maestro::grounding {

// RETURNS the system instruction, written in `language` and asking for an answer in it.
std::string SystemPrompt(analyst::Language language);

// RETURNS the user turn: the facts of `context` as a list (or a note that there are none), then `question`.
std::string UserMessage(const analyst::RetrievedContext& context, std::string_view question);

}  // namespace maestro::grounding
