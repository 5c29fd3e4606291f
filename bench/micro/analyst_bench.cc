// Latency of the grounded analyst: loading its knowledge base, answering each scenario question, retrieving context
// for a remote model, and the analytics behind the complex scenario.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "engines/analyst/analyst.h"
#include "engines/analyst/analytics.h"
#include "engines/analyst/csv.h"

namespace maestro::analyst {
namespace {

std::string KnowledgeDir() {
  const char* dir = std::getenv("MAESTRO_SOURCE_DIR");
  return std::string(dir ? dir : MAESTRO_BENCH_SOURCE_DIR) + "/data/knowledge";
}

const Analyst& Shared() {
  static Analyst* analyst = [] {
    auto created = Analyst::Create({KnowledgeDir(), ""});
    if (!created.ok()) {
      std::fprintf(stderr, "%s\n", created.status().ToString().c_str());
      std::abort();
    }
    return created->release();
  }();
  return *analyst;
}

const char* const kQuestions[] = {
    "What is the ticker symbol of Petrobras?",
    "What is the difference between fixed income and the Ibovespa?",
    "What were the best stocks of 2024?",
    "Qual é o código de negociação da Petrobras?",
    "Qual é a diferença entre renda fixa e o Ibovespa?",
    "Quais foram as melhores ações de 2024?",
    "what is the weather in london tomorrow",
};
const char* const kNames[] = {"simple/en",         "traditional/en", "complex/en", "simple/pt-BR",
                              "traditional/pt-BR", "complex/pt-BR",  "refusal/en"};

void BM_Answer(benchmark::State& state) {
  const Analyst& analyst = Shared();
  const std::string question = kQuestions[state.range(0)];
  state.SetLabel(kNames[state.range(0)]);
  for (auto _ : state) benchmark::DoNotOptimize(analyst.Answer(question));
}
BENCHMARK(BM_Answer)->DenseRange(0, 6)->Unit(benchmark::kMicrosecond);

void BM_RetrieveContext(benchmark::State& state) {
  const Analyst& analyst = Shared();
  const std::string question = kQuestions[state.range(0)];
  state.SetLabel(kNames[state.range(0)]);
  for (auto _ : state) benchmark::DoNotOptimize(analyst.RetrieveContext(question));
}
BENCHMARK(BM_RetrieveContext)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

void BM_RankByReturn2024(benchmark::State& state) {
  const PriceHistory& prices = Shared().prices();
  for (auto _ : state) benchmark::DoNotOptimize(RankByReturn(prices, Period::Year(2024)));
}
BENCHMARK(BM_RankByReturn2024)->Unit(benchmark::kMicrosecond);

void BM_ParseSyntheticPrices(benchmark::State& state) {
  auto text = ReadFileLimited(KnowledgeDir() + "/" + kSyntheticPricesFile, PriceHistory::kMaxFileBytes);
  if (!text.ok()) return state.SkipWithError(text.status().ToString().c_str());
  for (auto _ : state) benchmark::DoNotOptimize(PriceHistory::Parse(*text, "synthetic"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text->size()));
}
BENCHMARK(BM_ParseSyntheticPrices)->Unit(benchmark::kMillisecond);

void BM_LoadKnowledgeBase(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Analyst::Create({KnowledgeDir(), ""}));
}
BENCHMARK(BM_LoadKnowledgeBase)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace maestro::analyst

BENCHMARK_MAIN();
