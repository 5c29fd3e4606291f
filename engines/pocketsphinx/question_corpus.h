// QuestionCorpus: the training sentences of the finance language model, expanded from a template file.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace maestro::pocketsphinx {

// Expands `templates`: lines "$slot = a | b | c" define slots; other non-empty, non-'#' lines are sentences in
// which every "$slot" is replaced by each of its values, in every combination, in file order.
// Sentences whose normalised form (stt_eval::NormalizeText) is in `held_out` are left out.
// RETURNS the sentences (lower case, single spaces), or kInvalidArgument naming the line of an undefined slot,
// a malformed definition, or an expansion beyond `max_sentences`.
// THREAD-SAFETY: pure.
Result<std::vector<std::string>> ExpandTemplates(std::string_view templates, const std::set<std::string>& held_out,
                                                 size_t max_sentences = 500000);

}  // namespace maestro::pocketsphinx
