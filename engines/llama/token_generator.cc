#include "engines/llama/token_generator.h"

#include <chrono>
#include <vector>

namespace maestro::llama {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct SamplerDeleter {
  void operator()(llama_sampler* sampler) const { llama_sampler_free(sampler); }
};

std::unique_ptr<llama_sampler, SamplerDeleter> MakeSampler(const llama_vocab* vocab, const Sampling& sampling) {
  std::unique_ptr<llama_sampler, SamplerDeleter> chain(llama_sampler_chain_init(llama_sampler_chain_default_params()));
  llama_sampler_chain_add(chain.get(),
                          llama_sampler_init_penalties(llama_vocab_n_tokens(vocab), 64, sampling.repeat_penalty, 0, 0));
  if (sampling.temperature <= 0) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_greedy());
    return chain;
  }
  llama_sampler_chain_add(chain.get(), llama_sampler_init_top_k(sampling.top_k));
  llama_sampler_chain_add(chain.get(), llama_sampler_init_top_p(sampling.top_p, 1));
  llama_sampler_chain_add(chain.get(), llama_sampler_init_temp(sampling.temperature));
  llama_sampler_chain_add(chain.get(), llama_sampler_init_dist(sampling.seed));
  return chain;
}

}  // namespace

Result<std::unique_ptr<TokenGenerator>> TokenGenerator::Create(llama_model* model, int context_tokens, int threads) {
  auto params = llama_context_default_params();
  params.n_ctx = static_cast<uint32_t>(context_tokens);
  params.n_batch = 512;
  params.n_threads = threads;
  params.n_threads_batch = threads;
  llama_context* context = llama_init_from_model(model, params);
  if (context == nullptr) return Internal("llama: cannot create a context of " + std::to_string(context_tokens));
  auto generator = std::unique_ptr<TokenGenerator>(new TokenGenerator(model, context));
  llama_set_abort_callback(
      context,
      [](void* data) {
        auto* self = static_cast<TokenGenerator*>(data);
        return self->deadline_ != nullptr && self->deadline_->expired();
      },
      generator.get());
  return generator;
}

TokenGenerator::TokenGenerator(llama_model* model, llama_context* context) : model_(model), context_(context) {}

TokenGenerator::~TokenGenerator() {
  llama_free(context_);
}

void TokenGenerator::Forget() {
  llama_memory_clear(llama_get_memory(context_), true);
  held_.clear();
}

size_t TokenGenerator::KeepSharedPrefix(const std::vector<llama_token>& tokens) {
  size_t shared = 0;
  while (shared < held_.size() && shared < tokens.size() && held_[shared] == tokens[shared]) ++shared;
  if (shared == tokens.size() && shared > 0) --shared;
  if (shared == 0 || !llama_memory_seq_rm(llama_get_memory(context_), 0, static_cast<llama_pos>(shared), -1)) {
    Forget();
    return 0;
  }
  held_.resize(shared);
  return shared;
}

Status TokenGenerator::DecodePrompt(std::vector<llama_token>& tokens, size_t from, const Deadline& deadline) {
  const int batch = static_cast<int>(llama_n_batch(context_));
  for (size_t start = from; start < tokens.size(); start += static_cast<size_t>(batch)) {
    const int count = static_cast<int>(std::min(tokens.size() - start, static_cast<size_t>(batch)));
    if (llama_decode(context_, llama_batch_get_one(tokens.data() + start, count)) != 0) {
      if (deadline.expired()) return DeadlineExceeded("llama: the deadline passed while reading the prompt");
      return Internal("llama: the prompt could not be decoded");
    }
  }
  return Status();
}

Result<GenerationStats> TokenGenerator::Run(const std::string& prompt, const Sampling& sampling,
                                            const Deadline& deadline,
                                            const std::function<bool(std::string_view)>& on_piece) {
  const llama_vocab* vocab = llama_model_get_vocab(model_);
  const int limit = static_cast<int>(llama_n_ctx(context_));
  std::vector<llama_token> tokens(static_cast<size_t>(limit));
  const int count = llama_tokenize(vocab, prompt.data(), static_cast<int32_t>(prompt.size()), tokens.data(), limit,
                                   /*add_special=*/true, /*parse_special=*/true);
  if (count < 0 || count + sampling.max_tokens > limit) {
    return InvalidArgument("llama: the prompt does not fit the context of " + std::to_string(limit) + " tokens");
  }
  tokens.resize(static_cast<size_t>(count));
  deadline_ = &deadline;
  GenerationStats stats;
  stats.prompt_tokens = count;
  const auto prompt_start = Clock::now();
  const size_t reused = KeepSharedPrefix(tokens);
  stats.reused_prompt_tokens = static_cast<int>(reused);
  Status read = DecodePrompt(tokens, reused, deadline);
  stats.prompt_seconds = SecondsSince(prompt_start);
  if (!read.ok()) {
    deadline_ = nullptr;
    Forget();
    return read;
  }
  held_ = tokens;
  auto sampler = MakeSampler(vocab, sampling);
  const auto generation_start = Clock::now();
  Status outcome;
  for (int produced = 0; produced < sampling.max_tokens; ++produced) {
    llama_token token = llama_sampler_sample(sampler.get(), context_, -1);
    if (llama_vocab_is_eog(vocab, token)) break;
    char piece[256];
    const int length = llama_token_to_piece(vocab, token, piece, sizeof piece, 0, /*special=*/false);
    ++stats.generated_tokens;
    if (length > 0 && !on_piece(std::string_view(piece, static_cast<size_t>(length)))) break;
    if (deadline.expired()) {
      outcome = DeadlineExceeded("llama: the deadline passed while generating");
      break;
    }
    if (llama_decode(context_, llama_batch_get_one(&token, 1)) != 0) {
      outcome = deadline.expired() ? DeadlineExceeded("llama: the deadline passed while generating")
                                   : Internal("llama: generation failed");
      break;
    }
    held_.push_back(token);
  }
  stats.generation_seconds = SecondsSince(generation_start);
  deadline_ = nullptr;
  if (!outcome.ok()) {
    Forget();
    return outcome;
  }
  return stats;
}

}  // namespace maestro::llama
