#include "engines/analyst/analyst_engine.h"

#include "engines/analyst/analyst.h"

namespace maestro::analyst {
namespace {

constexpr size_t kMaxPromptBytes = 64 * 1024;

// Answers take microseconds (see docs/benchmarks.md), so they run on the caller's thread: a hand-off to a pool
// would cost more than the work.
class AnalystLanguageModel final : public LanguageModel {
 public:
  explicit AnalystLanguageModel(std::unique_ptr<Analyst> analyst) : analyst_(std::move(analyst)) {}

  void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) override {
    if (request.prompt.empty()) return done(InvalidArgument("empty prompt"));
    if (request.prompt.size() > kMaxPromptBytes) {
      return done(Status(StatusCode::kPayloadTooLarge, "prompt above 64 KiB"));
    }
    if (deadline.expired()) return done(DeadlineExceeded("analyst: the deadline passed before the call"));
    done(analyst_->Answer(request.prompt));
  }

 private:
  std::unique_ptr<Analyst> analyst_;
};

}  // namespace

Result<std::unique_ptr<LanguageModel>> CreateLanguageModel(EngineOptions options) {
  AnalystConfig config;
  if (auto it = options.find("knowledge"); it != options.end()) {
    config.knowledge_dir = it->second;
    options.erase(it);
  }
  if (auto it = options.find("prices"); it != options.end()) {
    config.prices_path = it->second;
    options.erase(it);
  }
  if (!options.empty()) {
    return InvalidArgument("analyst: unknown option '" + options.begin()->first + "' (known: knowledge, prices)");
  }
  auto analyst = Analyst::Create(config);
  if (!analyst.ok()) return analyst.status();
  return std::unique_ptr<LanguageModel>(new AnalystLanguageModel(std::move(*analyst)));
}

void Register(EngineRegistry& registry) {
  registry.RegisterLlm("analyst", kAnalystDescription, [](const EngineOptions& o) { return CreateLanguageModel(o); });
}

}  // namespace maestro::analyst
