// What TLS costs per protocol, against an echo engine on loopback: NewConnection times a client's first call on
// a fresh connection (TCP connect, the TLS handshake with mutual TLS when on, and a 1 KB round trip);
// SteadyCall times a 1 KB round trip on a warm connection (the per-call cost of encryption). Each runs with TLS
// off and with mutual TLS (P-256 certificates from tls/development_ca, made in a temporary folder). Reports p50
// and p99 in microseconds as counters.
//
//   build/bench/micro/tls_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "common/large_buffers.h"
#include "domain/blocking.h"
#include "tls/development_ca.h"
#include "transport/transport.h"

namespace maestro {
namespace {

namespace fs = std::filesystem;

class EchoTts final : public TextToSpeech {
 public:
  void Synthesize(SynthesisRequest request, Deadline, Callback<SpeechAudio> done) override {
    done(SpeechAudio{std::move(request.text)});
  }
};

// The development CA in a temporary folder, removed at exit.
struct Certificates {
  Certificates() {
    std::string pattern = (fs::temp_directory_path() / "maestro-tls-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return;
    dir = pattern;
    if (!tls::WriteDevelopmentCa(dir, {}).ok()) dir.clear();
  }
  ~Certificates() {
    std::error_code ignored;
    if (!dir.empty()) fs::remove_all(dir, ignored);
  }
  tls::TlsOptions For(const std::string& name) const {
    return {.cert_file = (dir / (name + ".crt")).string(),
            .key_file = (dir / (name + ".key")).string(),
            .ca_file = (dir / "ca.crt").string()};
  }
  fs::path dir;
};

const Certificates& TestCertificates() {
  static const Certificates certificates;
  return certificates;
}

TransportOptions Options(bool tls, const std::string& name) {
  TransportOptions options;
  options.client_connections = 1;
  if (tls) options.tls = TestCertificates().For(name);
  return options;
}

void Report(benchmark::State& state, std::vector<double>& micros) {
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
}

void NewConnection(benchmark::State& state, const std::string& protocol, bool tls) {
  EchoTts engine;
  auto server_transport = CreateTransport(protocol, Options(tls, "tts")).value();
  auto client_transport = CreateTransport(protocol, Options(tls, "maestro")).value();
  auto server = server_transport->ServeTts(engine, "127.0.0.1", 0);
  if (!server.ok()) return state.SkipWithError(server.status().ToString().c_str());
  const std::string address = "127.0.0.1:" + std::to_string((*server)->port());
  const std::string payload(1024, 'x');
  std::vector<double> micros;
  for (auto _ : state) {
    const auto started = std::chrono::steady_clock::now();
    auto client = client_transport->ConnectTts(address);
    if (!client.ok()) return state.SkipWithError(client.status().ToString().c_str());
    auto reply = SynthesizeBlocking(**client, {payload, ""}, Deadline::In(std::chrono::seconds(5)));
    const double took = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count();
    if (!reply.ok()) return state.SkipWithError(reply.status().ToString().c_str());
    state.SetIterationTime(took / 1e6);
    micros.push_back(took);
    state.PauseTiming();
    client->reset();  // closing the connection is not part of the first call
    state.ResumeTiming();
  }
  Report(state, micros);
}

void SteadyCall(benchmark::State& state, const std::string& protocol, bool tls) {
  EchoTts engine;
  auto server_transport = CreateTransport(protocol, Options(tls, "tts")).value();
  auto client_transport = CreateTransport(protocol, Options(tls, "maestro")).value();
  auto server = server_transport->ServeTts(engine, "127.0.0.1", 0);
  if (!server.ok()) return state.SkipWithError(server.status().ToString().c_str());
  auto client = client_transport->ConnectTts("127.0.0.1:" + std::to_string((*server)->port()));
  if (!client.ok()) return state.SkipWithError(client.status().ToString().c_str());
  const std::string payload(1024, 'x');
  for (int i = 0; i < 100; ++i) {
    if (!SynthesizeBlocking(**client, {payload, ""}, Deadline::In(std::chrono::seconds(5))).ok()) {
      return state.SkipWithError("a warm-up call failed");
    }
  }
  std::vector<double> micros;
  for (auto _ : state) {
    const auto started = std::chrono::steady_clock::now();
    auto reply = SynthesizeBlocking(**client, {payload, ""}, Deadline::In(std::chrono::seconds(5)));
    const double took = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count();
    if (!reply.ok()) return state.SkipWithError(reply.status().ToString().c_str());
    state.SetIterationTime(took / 1e6);
    micros.push_back(took);
  }
  Report(state, micros);
}

void Register() {
  for (const std::string protocol : {"rest", "grpc", "thrift"}) {
    for (const bool tls : {false, true}) {
      const std::string suffix = protocol + (tls ? "/mtls" : "/plain");
      benchmark::RegisterBenchmark(("NewConnection/" + suffix).c_str(), NewConnection, protocol, tls)
          ->Unit(benchmark::kMicrosecond)
          ->UseManualTime();
      benchmark::RegisterBenchmark(("SteadyCall/" + suffix).c_str(), SteadyCall, protocol, tls)
          ->Unit(benchmark::kMicrosecond)
          ->UseManualTime();
    }
  }
}

}  // namespace
}  // namespace maestro

int main(int argc, char** argv) {
  maestro::Register();
  maestro::KeepLargeBuffersInTheHeap();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
