// Client-side cost of the openai LLM engine: a chat completion against a loopback cpp-httplib server that answers at
// once, so the time is Maestro's (context retrieval, JSON, HTTP on a kept-alive connection, worker hand-off).
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "domain/blocking.h"
#include "engines/openai/openai_engines.h"

namespace maestro::openai {
namespace {

std::string KnowledgeDir() {
  const char* dir = std::getenv("MAESTRO_SOURCE_DIR");
  return std::string(dir ? dir : MAESTRO_BENCH_SOURCE_DIR) + "/data/knowledge";
}

void BM_OpenAiChatRoundTrip(benchmark::State& state) {
  httplib::Server server;
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000000);
  server.Post("/v1/chat/completions", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"choices":[{"message":{"role":"assistant","content":"PETR4 and PETR3."}}]})",
                    "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const bool with_context = state.range(0) == 1;
  auto llm = CreateLanguageModel({{"base", "http://127.0.0.1:" + std::to_string(port)},
                                  {"context", with_context ? "analyst" : "none"},
                                  {"knowledge", KnowledgeDir()}});
  if (!llm.ok()) {
    state.SkipWithError(llm.status().ToString().c_str());
  } else {
    state.SetLabel(with_context ? "analyst context" : "no context");
    for (auto _ : state) {
      auto answer = GenerateBlocking(**llm, {.prompt = "What were the best stocks of 2024?"},
                                     Deadline::In(std::chrono::seconds(5)));
      if (!answer.ok()) state.SkipWithError(answer.status().ToString().c_str());
    }
    llm->reset();
  }
  server.stop();
  thread.join();
}
BENCHMARK(BM_OpenAiChatRoundTrip)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace maestro::openai

BENCHMARK_MAIN();
