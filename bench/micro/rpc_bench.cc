// Single-hop round trip per protocol: one client call to a server on loopback and its reply, each carrying
// the payload size given (1 KB or 500 KB both ways), against an echo engine that costs nothing. Reports the
// per-call latency percentiles as counters (p50_us, p99_us). Server and client share this process but talk
// over real TCP sockets. Thrift runs in each of its four wire formats to find the fastest. Concurrent10
// keeps 10 calls outstanding (a 441 KB reply is the size of the thesis's answer WAV) and reports calls/s.
// StreamFirstPiece streams a 50-word answer written a word a millisecond: the protocol's cost to the first piece.
//
//   build/bench/micro/rpc_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/large_buffers.h"
#include "domain/blocking.h"
#include "engines/emulated/emulated_engines.h"
#include "transport/transport.h"

namespace maestro {
namespace {

// Speaks its text back as the "audio": the reply is exactly as large as the request.
class EchoTts final : public TextToSpeech {
 public:
  void Synthesize(SynthesisRequest request, Deadline, Callback<SpeechAudio> done) override {
    done(SpeechAudio{std::move(request.text)});
  }
};

struct Variant {
  std::string protocol;
  std::string thrift_transport;
  std::string thrift_protocol;
};

// One hop to the echo engine: over a transport's server and client, or, for inproc, the engine itself.
struct Hop {
  std::unique_ptr<Transport> transport;
  std::unique_ptr<ServiceServer> server;
  std::unique_ptr<TextToSpeech> remote;
  TextToSpeech* client = nullptr;

  Status Open(const Variant& variant, TextToSpeech& engine) {
    TransportOptions options;
    options.thrift_transport = variant.thrift_transport.empty() ? "buffered" : variant.thrift_transport;
    options.thrift_protocol = variant.thrift_protocol.empty() ? "binary" : variant.thrift_protocol;
    if (variant.protocol == "inproc") {
      client = &engine;
      return Status::Ok();
    }
    auto created = CreateTransport(variant.protocol, options);
    if (!created.ok()) return created.status();
    transport = std::move(created).value();
    auto served = transport->ServeTts(engine, "127.0.0.1", 0);
    if (!served.ok()) return served.status();
    server = std::move(served).value();
    auto connected = transport->ConnectTts("127.0.0.1:" + std::to_string(server->port()));
    if (!connected.ok()) return connected.status();
    remote = std::move(connected).value();
    client = remote.get();
    return Status::Ok();
  }
};

void RoundTrip(benchmark::State& state, Variant variant) {
  EchoTts engine;
  Hop hop;
  if (auto status = hop.Open(variant, engine); !status.ok()) return state.SkipWithError(status.ToString().c_str());
  TextToSpeech* client = hop.client;

  const std::string payload(static_cast<size_t>(state.range(0)), 'x');
  for (int i = 0; i < 100; ++i) {
    if (!SynthesizeBlocking(*client, {payload, ""}, Deadline::In(std::chrono::seconds(5))).ok()) {
      return state.SkipWithError("a warm-up call failed");
    }
  }

  std::vector<double> micros;
  micros.reserve(1 << 16);
  for (auto _ : state) {
    auto started = std::chrono::steady_clock::now();
    auto reply = SynthesizeBlocking(*client, {payload, ""}, Deadline::In(std::chrono::seconds(5)));
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count());
    if (!reply.ok() || reply->wav.size() != payload.size()) {
      return state.SkipWithError(reply.ok() ? "echo came back with the wrong size" : reply.status().ToString().c_str());
    }
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.SetBytesProcessed(state.iterations() * state.range(0) * 2);
}

// Closed loop with `kCallers` calls always outstanding (like 10 connections to Maestro): calls per second.
constexpr int kCallers = 10;

void Concurrent(benchmark::State& state, Variant variant) {
  EchoTts engine;
  Hop hop;
  if (auto status = hop.Open(variant, engine); !status.ok()) return state.SkipWithError(status.ToString().c_str());
  TextToSpeech* client = hop.client;
  const std::string payload(static_cast<size_t>(state.range(0)), 'x');

  std::mutex mutex;
  std::condition_variable finished;
  for (auto _ : state) {
    int pending = kCallers;
    bool failed = false;
    for (int i = 0; i < kCallers; ++i) {
      client->Synthesize({payload, ""}, Deadline::In(std::chrono::seconds(5)), [&](Result<SpeechAudio> reply) {
        std::lock_guard lock(mutex);
        failed |= !reply.ok();
        if (--pending == 0) finished.notify_one();
      });
    }
    std::unique_lock lock(mutex);
    finished.wait(lock, [&] { return pending == 0; });
    if (failed) return state.SkipWithError("a call failed");
  }
  state.SetItemsProcessed(state.iterations() * kCallers);
}

// One streamed generation per iteration from an emulated model that writes 50 words, one every millisecond, the
// first at once: time to the first piece (the protocol's TTFT overhead), time to the end, and how many deliveries
// the 50 words took (gRPC joins pieces that queue behind a write; Thrift hands over a batch per poll).
void StreamFirstPiece(benchmark::State& state, const Variant& variant) {
  auto engine = emulated::CreateLanguageModel({{"words", "50"}, {"piece_ms", "1"}});
  if (!engine.ok()) return state.SkipWithError(engine.status().ToString().c_str());
  TransportOptions options;
  options.thrift_transport = variant.thrift_transport.empty() ? "buffered" : variant.thrift_transport;
  options.thrift_protocol = variant.thrift_protocol.empty() ? "binary" : variant.thrift_protocol;
  std::unique_ptr<Transport> transport;
  std::unique_ptr<ServiceServer> server;
  std::unique_ptr<LanguageModel> remote;
  LanguageModel* client = engine->get();
  if (variant.protocol != "inproc") {
    transport = CreateTransport(variant.protocol, options).value();
    server = transport->ServeLlm(**engine, "127.0.0.1", 0).value();
    remote = transport->ConnectLlm("127.0.0.1:" + std::to_string(server->port())).value();
    client = remote.get();
  }
  std::vector<double> first_us, total_us;
  double deliveries = 0;
  for (auto _ : state) {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    bool ok = false;
    int pieces = 0;
    auto started = std::chrono::steady_clock::now();
    client->GenerateStreaming(
        {.prompt = "q"}, Deadline::In(std::chrono::seconds(5)),
        [&](std::string_view) {
          if (pieces++ == 0) {
            first_us.push_back(
                std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count());
          }
          return true;
        },
        [&](const Result<Generation>& result) {
          total_us.push_back(
              std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count());
          std::lock_guard lock(mutex);
          ok = result.ok();
          done = true;
          finished.notify_one();
        });
    std::unique_lock lock(mutex);
    finished.wait(lock, [&] { return done; });
    if (!ok || pieces == 0) return state.SkipWithError("a stream failed");
    deliveries += pieces;
  }
  std::sort(first_us.begin(), first_us.end());
  std::sort(total_us.begin(), total_us.end());
  state.counters["ttft_p50_us"] = first_us[first_us.size() / 2];
  state.counters["ttft_p99_us"] = first_us[first_us.size() * 99 / 100];
  state.counters["total_p50_us"] = total_us[total_us.size() / 2];
  state.counters["deliveries"] = deliveries / static_cast<double>(state.iterations());
}

void Register() {
  const std::vector<std::pair<std::string, Variant>> variants = {
      {"inproc", {"inproc", "", ""}},
      {"rest", {"rest", "", ""}},
      {"grpc", {"grpc", "", ""}},
      {"thrift_buffered_binary", {"thrift", "buffered", "binary"}},
      {"thrift_buffered_compact", {"thrift", "buffered", "compact"}},
      {"thrift_framed_binary", {"thrift", "framed", "binary"}},
      {"thrift_framed_compact", {"thrift", "framed", "compact"}},
  };
  for (const auto& [name, variant] : variants) {
    benchmark::RegisterBenchmark(("RoundTrip/" + name).c_str(), RoundTrip, variant)
        ->Arg(1024)
        ->Arg(500 * 1024)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("Concurrent10/" + name).c_str(), Concurrent, variant)
        ->Arg(1024)
        ->Arg(441 * 1024)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("StreamFirstPiece/" + name).c_str(), StreamFirstPiece, variant)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  }
}

}  // namespace
}  // namespace maestro

int main(int argc, char** argv) {
  maestro::Register();
  maestro::KeepLargeBuffersInTheHeap();  // as every maestro process does
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
