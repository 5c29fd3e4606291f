// LanguageModel: answers a question in text. Implemented by engines and by every transport's client.
#pragma once

#include "common/deadline.h"
#include "domain/types.h"

namespace maestro {

class LanguageModel {
 public:
  LanguageModel() = default;
  LanguageModel(const LanguageModel&) = delete;
  LanguageModel& operator=(const LanguageModel&) = delete;
  virtual ~LanguageModel() = default;

  // Generates an answer to `request.prompt`.
  // REQUIRES: `request.prompt` is valid UTF-8; `done` is callable.
  // RETURNS: through `done`, exactly once, on any thread and possibly before Generate returns: the answer,
  //   or kInvalidArgument for an empty or oversized prompt, kDeadlineExceeded when `deadline` passes first,
  //   kUnavailable / kUpstreamError from a remote hop.
  // THREAD-SAFETY: safe to call concurrently; the object must outlive every pending call.
  virtual void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) = 0;
};

}  // namespace maestro
