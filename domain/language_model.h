// LanguageModel: answers a question in text. Implemented by engines and by every transport's client.
#pragma once

#include <functional>
#include <string_view>

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

  // Receives the answer's text piece by piece as it is produced; returns false to stop generation (the
  // listener went away or was interrupted).
  using PieceSink = std::function<bool(std::string_view piece)>;

  // Generates like Generate, also handing each piece of the answer to `on_piece`, in order, as soon as the
  // engine has it. The pieces concatenate to the final Generation.text; an engine that cannot stream sends the
  // whole text as one piece. When `on_piece` returns false, generation stops and `done` receives what was
  // produced so far.
  // REQUIRES, RETURNS: as Generate; `on_piece` is never called after `done`, nor concurrently with itself.
  // THREAD-SAFETY: as Generate.
  virtual void GenerateStreaming(GenerationRequest request, Deadline deadline, PieceSink on_piece,
                                 Callback<Generation> done) {
    Generate(std::move(request), deadline,
             [on_piece = std::move(on_piece), done = std::move(done)](Result<Generation> result) {
               if (result.ok() && !result->text.empty()) on_piece(result->text);
               done(std::move(result));
             });
  }
};

}  // namespace maestro
