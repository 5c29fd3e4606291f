// Single-hop round trip per protocol: the client sends `bytes` of audio to an STT service whose emulated engine
// answers at once, and waits for the transcript. What remains is the protocol's own cost.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "domain/blocking.h"
#include "transport/transport.h"

namespace maestro {
namespace {

struct Hop {
  std::unique_ptr<Transport> transport;
  std::unique_ptr<SpeechToText> engine;
  std::unique_ptr<ServiceServer> server;
  std::unique_ptr<SpeechToText> client;
};

Hop Connect(const std::string& protocol) {
  Hop hop;
  hop.transport = std::move(CreateTransport(protocol, {}).value());
  if (protocol == "inproc") {
    hop.client = std::move(hop.transport->ConnectStt("emulated").value());
    return hop;
  }
  hop.engine = std::move(EngineRegistry::Global().CreateStt("emulated", {}).value());
  hop.server = std::move(hop.transport->ServeStt(*hop.engine, "127.0.0.1", 0).value());
  hop.client = std::move(hop.transport->ConnectStt("127.0.0.1:" + std::to_string(hop.server->port())).value());
  return hop;
}

void BM_SingleHop(benchmark::State& state, const std::string& protocol) {
  Hop hop = Connect(protocol);
  std::string audio(static_cast<size_t>(state.range(0)), 'a');
  audio.replace(0, 4, "RIFF");
  for (auto _ : state) {
    auto transcript = TranscribeBlocking(*hop.client, {audio, "q.wav", "audio/wav"}, Deadline::In(std::chrono::seconds(5)));
    if (!transcript.ok()) state.SkipWithError(transcript.status().ToString().c_str());
    benchmark::DoNotOptimize(transcript);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

}  // namespace
}  // namespace maestro

int main(int argc, char** argv) {
  for (const auto& protocol : maestro::TransportNames()) {
    benchmark::RegisterBenchmark(("single_hop/" + protocol).c_str(), maestro::BM_SingleHop, protocol)
        ->Arg(1024)
        ->Arg(500 * 1024)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
