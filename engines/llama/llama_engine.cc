#include "engines/llama/llama_engine.h"

#include <llama.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "common/thread_pool.h"
#include "engines/analyst/analyst.h"
#include "engines/common/ggml_runtime.h"
#include "engines/common/model_locator.h"
#include "engines/common/option_reader.h"
#include "engines/common/resource_pool.h"
#include "engines/grounding/answer_guard.h"
#include "engines/grounding/grounded_prompt.h"
#include "engines/grounding/guarded_answer.h"
#include "engines/llama/token_generator.h"

namespace maestro::llama {
namespace {

constexpr size_t kMaxPromptBytes = 64 * 1024;
constexpr size_t kMaxAnswerWords = 50;

struct Settings {
  std::string model = kDefaultModel;
  int context_tokens = 2048;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Sampling sampling;
  size_t workers = 1;
  size_t queue = 16;
  analyst::AnalystConfig knowledge;
};

struct ModelDeleter {
  void operator()(llama_model* model) const { llama_model_free(model); }
};
using ModelPtr = std::unique_ptr<llama_model, ModelDeleter>;
using GeneratorPool = ResourcePool<std::unique_ptr<TokenGenerator>>;

// The model's own chat template, or a plain layout for a model without one.
std::string ChatPrompt(const llama_model* model, const std::string& system, const std::string& user) {
  const char* chat_template = llama_model_chat_template(model, nullptr);
  llama_chat_message messages[] = {{"system", system.c_str()}, {"user", user.c_str()}};
  std::vector<char> buffer(2 * (system.size() + user.size()) + 256);
  int length =
      llama_chat_apply_template(chat_template, messages, 2, true, buffer.data(), static_cast<int32_t>(buffer.size()));
  if (length > static_cast<int>(buffer.size())) {
    buffer.resize(static_cast<size_t>(length));
    length =
        llama_chat_apply_template(chat_template, messages, 2, true, buffer.data(), static_cast<int32_t>(buffer.size()));
  }
  if (chat_template == nullptr || length <= 0) return system + "\n\n" + user + "\n\n";
  return std::string(buffer.data(), static_cast<size_t>(length));
}

class LlamaLanguageModel final : public LanguageModel {
 public:
  LlamaLanguageModel(Settings settings, ModelPtr model, std::unique_ptr<GeneratorPool> generators,
                     std::unique_ptr<analyst::Analyst> analyst)
      : settings_(std::move(settings)),
        model_(std::move(model)),
        generators_(std::move(generators)),
        analyst_(std::move(analyst)),
        pool_(std::make_unique<ThreadPool>(settings_.workers, settings_.queue, "llama")) {}

  ~LlamaLanguageModel() override { pool_.reset(); }  // finish queued work while the model exists

  void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) override {
    GenerateStreaming(
        std::move(request), deadline, [](std::string_view) { return true; }, std::move(done));
  }

  void GenerateStreaming(GenerationRequest request, Deadline deadline, PieceSink on_piece,
                         Callback<Generation> done) override {
    if (request.prompt.empty()) return done(InvalidArgument("llama: empty prompt"));
    if (request.prompt.size() > kMaxPromptBytes) {
      return done(Status(StatusCode::kPayloadTooLarge, "llama: prompt above 64 KiB"));
    }
    auto task = [this, request = std::move(request), deadline, on_piece = std::move(on_piece), done]() {
      done(Run(request, deadline, on_piece));
    };
    if (!pool_->Submit(std::move(task))) {
      done(Status(StatusCode::kOverloaded,
                  "llama: " + std::to_string(settings_.queue) + " requests already wait for a worker"));
    }
  }

 private:
  Result<Generation> Run(const GenerationRequest& request, const Deadline& deadline, const PieceSink& on_piece) {
    if (deadline.expired()) return DeadlineExceeded("llama: the deadline passed while queued");
    const analyst::Language language = analyst::DetectLanguage(request.prompt);
    analyst::RetrievedContext context = analyst_->RetrieveContext(request.prompt, language);
    // When the analyst answered the question itself, its answer is the one fact that matters: a small model
    // given neighbouring glossary passages as well picks their example tickers as often as the right one.
    if (context.grounded) context.passages = {context.answer};
    std::vector<std::string> facts = context.passages;
    facts.push_back(request.prompt);
    const grounding::AnswerGuard guard(facts, [this](std::string_view word) { return analyst_->IsTicker(word); });
    grounding::GuardedAnswer answer(guard, context.answer, kMaxAnswerWords, on_piece);
    const std::string prompt =
        ChatPrompt(model_.get(), grounding::SystemPrompt(language), grounding::UserMessage(context, request.prompt));
    Sampling sampling = settings_.sampling;
    if (request.max_tokens > 0) sampling.max_tokens = std::min(sampling.max_tokens, request.max_tokens);

    auto generator = generators_->Take();
    auto stats = generator->Run(prompt, sampling, deadline, [&](std::string_view piece) { return answer.Push(piece); });
    generators_->Return(std::move(generator));
    if (!stats.ok()) return stats.status();

    Generation generation;
    generation.text = answer.Finish();
    generation.language = analyst::LanguageTag(language);
    generation.sources = context.sources;
    generation.sources.push_back("grounding:" + answer.grounding());
    for (const auto& rejected : answer.rejected()) generation.sources.push_back("grounding:rejected:" + rejected);
    generation.sources.push_back("llama:" + settings_.model);
    generation.generated_tokens = stats->generated_tokens;
    generation.generation_seconds = stats->generation_seconds;
    return generation;
  }

  Settings settings_;
  ModelPtr model_;
  std::unique_ptr<GeneratorPool> generators_;
  std::unique_ptr<analyst::Analyst> analyst_;
  std::unique_ptr<ThreadPool> pool_;
};

Result<Settings> ParseSettings(EngineOptions options) {
  Settings settings;
  OptionReader reader("llama", std::move(options));
  settings.model = reader.TakeString("model", settings.model);
  settings.knowledge.knowledge_dir = reader.TakeString("knowledge", "");
  settings.knowledge.prices_path = reader.TakeString("prices", "");
  auto context = reader.TakeInteger("ctx", settings.context_tokens, 256, 32768);
  auto threads = reader.TakeInteger("threads", settings.threads, 1, 64);
  auto temperature = reader.TakeNumber("temperature", settings.sampling.temperature, 0, 2);
  auto seed = reader.TakeInteger("seed", settings.sampling.seed, 0, UINT32_MAX);
  auto max_tokens = reader.TakeInteger("max_tokens", settings.sampling.max_tokens, 1, 4096);
  auto workers = reader.TakeInteger("workers", static_cast<long>(settings.workers), 1, 16);
  auto queue = reader.TakeInteger("queue", static_cast<long>(settings.queue), 1, 100000);
  for (const auto* taken : {&context, &threads, &seed, &max_tokens, &workers, &queue}) {
    if (!taken->ok()) return taken->status();
  }
  if (!temperature.ok()) return temperature.status();
  if (auto status = reader.Finish(); !status.ok()) return status;
  settings.context_tokens = static_cast<int>(*context);
  settings.threads = static_cast<int>(*threads);
  settings.sampling.temperature = static_cast<float>(*temperature);
  settings.sampling.seed = static_cast<uint32_t>(*seed);
  settings.sampling.max_tokens = static_cast<int>(*max_tokens);
  settings.workers = static_cast<size_t>(*workers);
  settings.queue = static_cast<size_t>(*queue);
  return settings;
}

}  // namespace

Result<std::unique_ptr<LanguageModel>> CreateLanguageModel(EngineOptions options) {
  auto settings = ParseSettings(std::move(options));
  if (!settings.ok()) return settings.status();
  if (auto status = EnsureGgmlBackends(); !status.ok()) return status;
  auto path = LocateModel("llama", settings->model);
  if (!path.ok()) return path.status();
  auto analyst = analyst::Analyst::Create(settings->knowledge);
  if (!analyst.ok()) return analyst.status();
  llama_log_set(ForwardGgmlLog, nullptr);
  auto params = llama_model_default_params();
  params.n_gpu_layers = 0;
  ModelPtr model(llama_model_load_from_file(path->c_str(), params));
  if (!model) {
    return InvalidArgument("llama: cannot load the model " + *path +
                           " (truncated, corrupt, or not a GGUF model llama.cpp knows; `maestro models verify` "
                           "checks it)");
  }
  auto generators = std::make_unique<GeneratorPool>();
  for (size_t i = 0; i < settings->workers; ++i) {
    auto generator = TokenGenerator::Create(model.get(), settings->context_tokens, settings->threads);
    if (!generator.ok()) return generator.status();
    generators->Add(std::move(*generator));
  }
  return std::unique_ptr<LanguageModel>(
      new LlamaLanguageModel(std::move(*settings), std::move(model), std::move(generators), std::move(*analyst)));
}

void Register(EngineRegistry& registry) {
  registry.RegisterLlm(kEngineName, kEngineDescription, [](const EngineOptions& o) { return CreateLanguageModel(o); });
}

}  // namespace maestro::llama
