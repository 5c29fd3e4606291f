// TokenGenerator: one llama.cpp context generating one answer at a time from a shared model.
#pragma once

#include <llama.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/deadline.h"
#include "common/status.h"

namespace maestro::llama {

struct Sampling {
  float temperature = 0.2f;
  float top_p = 0.9f;
  int top_k = 40;
  float repeat_penalty = 1.1f;
  uint32_t seed = 42;
  int max_tokens = 128;
};

struct GenerationStats {
  int prompt_tokens = 0;
  int reused_prompt_tokens = 0;  // the prompt's prefix still in the context from the previous run, not read again
  int generated_tokens = 0;
  double prompt_seconds = 0;
  double generation_seconds = 0;
};

class TokenGenerator {
 public:
  // RETURNS a generator with a context of `context_tokens` over `model` (which must outlive it), or kInternal.
  static Result<std::unique_ptr<TokenGenerator>> Create(llama_model* model, int context_tokens, int threads);
  ~TokenGenerator();
  TokenGenerator(const TokenGenerator&) = delete;
  TokenGenerator& operator=(const TokenGenerator&) = delete;

  // Continues `prompt` (already in the model's chat format), handing each piece of text to `on_piece` until the
  // model ends its turn, `sampling.max_tokens` pieces were made, `on_piece` returns false or `deadline` passes.
  // The longest prefix the prompt shares with the previous run's tokens (its prompt and answer) stays in the
  // context and is not read again, as llama.cpp's server does with cache_prompt: the fixed system prompt always,
  // a repeated question almost entirely.
  // RETURNS the statistics, kInvalidArgument when the prompt does not fit the context, kDeadlineExceeded.
  // THREAD-SAFETY: not thread-safe; one caller at a time.
  Result<GenerationStats> Run(const std::string& prompt, const Sampling& sampling, const Deadline& deadline,
                              const std::function<bool(std::string_view)>& on_piece);

 private:
  TokenGenerator(llama_model* model, llama_context* context);
  // Reads tokens [from, end) of `tokens` into the context after what it holds.
  Status DecodePrompt(std::vector<llama_token>& tokens, size_t from, const Deadline& deadline);
  // Keeps the context's first tokens shared with `tokens` and drops the rest. RETURNS how many it kept: never all
  // of `tokens`, because the last one must be read again for the logits of the first answer token.
  size_t KeepSharedPrefix(const std::vector<llama_token>& tokens);
  void Forget();

  llama_model* model_;
  llama_context* context_;
  std::vector<llama_token> held_;       // the tokens the context holds, in order
  const Deadline* deadline_ = nullptr;  // read by the abort callback during llama_decode
};

}  // namespace maestro::llama
