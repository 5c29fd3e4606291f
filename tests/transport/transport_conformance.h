// The behaviour every network transport must show, as a parameterised GoogleTest suite: a test file
// instantiates RpcConformanceTest with the protocol name and the TransportOptions variants to run.
// Servers are real (port 0 on loopback) and serve the emulated engines; clients are the transport's own.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "domain/blocking.h"
#include "engines/emulated/emulated_engines.h"
#include "metrics/metrics.h"
#include "transport/transport.h"

namespace maestro::testing {

struct RpcCase {
  std::string label;
  std::string protocol;
  TransportOptions options;
};

inline void PrintTo(const RpcCase& test_case, std::ostream* out) {
  *out << test_case.label;
}

inline std::string CaseName(const ::testing::TestParamInfo<RpcCase>& info) {
  return info.param.label;
}

// An engine wrapper that counts the calls reaching it, to prove a call was (or was not) sent.
class CountingLlm final : public LanguageModel {
 public:
  explicit CountingLlm(LanguageModel& inner) : inner_(inner) {}
  void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) override {
    calls.fetch_add(1);
    inner_.Generate(std::move(request), deadline, std::move(done));
  }
  std::atomic<int> calls{0};

 private:
  LanguageModel& inner_;
};

// A language model that fails every call with the StatusCode named by the prompt ("overloaded", ...).
class FailingLlm final : public LanguageModel {
 public:
  void Generate(GenerationRequest request, Deadline, Callback<Generation> done) override {
    for (int i = 1; i <= static_cast<int>(StatusCode::kInternal); ++i) {
      auto code = static_cast<StatusCode>(i);
      if (request.prompt == StatusCodeName(code)) return done(Status(code, "scripted " + request.prompt));
    }
    done(Generation{"no failure scripted", "en", {}});
  }
};

// A language model that remembers the deadline each call brought.
class DeadlineRecordingLlm final : public LanguageModel {
 public:
  void Generate(GenerationRequest, Deadline deadline, Callback<Generation> done) override {
    seen.push_back(deadline);
    remaining_at_arrival_ms.push_back(deadline.remaining_ms());
    done(Generation{"noted", "en", {}});
  }
  std::vector<Deadline> seen;  // calls are made one at a time in the test
  // Read when the call arrived: a test thread descheduled on a loaded machine must not shrink it afterwards.
  std::vector<int64_t> remaining_at_arrival_ms;
};

// RETURNS the established TCP connections whose local port is `port` (the server ends of its connections),
// over IPv4 and IPv6 (gRPC listens on a dual-stack socket even for 127.0.0.1).
inline int EstablishedConnectionsTo(uint16_t port) {
  char wanted[8];
  std::snprintf(wanted, sizeof(wanted), ":%04X", port);
  int count = 0;
  for (const char* path : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream table(path);
    std::string line;
    std::getline(table, line);  // header
    while (std::getline(table, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      if (local.size() >= 5 && local.substr(local.size() - 5) == wanted && state == "01") ++count;
    }
  }
  return count;
}

class RpcConformanceTest : public ::testing::TestWithParam<RpcCase> {
 protected:
  TransportOptions Options() const { return GetParam().options; }

  std::unique_ptr<Transport> MakeTransport(const TransportOptions& options) const {
    auto transport = CreateTransport(GetParam().protocol, options);
    EXPECT_TRUE(transport.ok()) << transport.status().ToString();
    return std::move(*transport);
  }

  static std::string Address(const ServiceServer& server) { return "127.0.0.1:" + std::to_string(server.port()); }

  static std::unique_ptr<SpeechToText> EmulatedStt(EngineOptions options = {}) {
    return emulated::CreateSpeechToText(std::move(options)).value();
  }
  static std::unique_ptr<LanguageModel> EmulatedLlm(EngineOptions options = {}) {
    return emulated::CreateLanguageModel(std::move(options)).value();
  }
  static std::unique_ptr<TextToSpeech> EmulatedTts(EngineOptions options = {}) {
    return emulated::CreateTextToSpeech(std::move(options)).value();
  }

  static Deadline Seconds(int seconds) { return Deadline::In(std::chrono::seconds(seconds)); }
};

TEST_P(RpcConformanceTest, ServesEachEngine) {
  auto transport = MakeTransport(Options());
  auto stt_engine = EmulatedStt();
  auto llm_engine = EmulatedLlm();
  auto tts_engine = EmulatedTts();
  auto stt_server = transport->ServeStt(*stt_engine, "127.0.0.1", 0);
  auto llm_server = transport->ServeLlm(*llm_engine, "127.0.0.1", 0);
  auto tts_server = transport->ServeTts(*tts_engine, "127.0.0.1", 0);
  ASSERT_TRUE(stt_server.ok()) << stt_server.status().ToString();
  ASSERT_TRUE(llm_server.ok()) << llm_server.status().ToString();
  ASSERT_TRUE(tts_server.ok()) << tts_server.status().ToString();
  EXPECT_NE((*stt_server)->port(), 0);

  auto stt = transport->ConnectStt(Address(**stt_server));
  auto llm = transport->ConnectLlm(Address(**llm_server));
  auto tts = transport->ConnectTts(Address(**tts_server));
  ASSERT_TRUE(stt.ok() && llm.ok() && tts.ok());

  auto transcript = TranscribeBlocking(**stt, {"RIFF....WAVE", "q.wav", "audio/wav"}, Seconds(5));
  ASSERT_TRUE(transcript.ok()) << transcript.status().ToString();
  EXPECT_EQ(transcript->text, "what is the ticker symbol of petrobras");
  EXPECT_EQ(transcript->language, "en-US");

  auto answer = GenerateBlocking(**llm, {.prompt = "what is the ticker of petrobras?"}, Seconds(5));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  int words = 1;
  for (char c : answer->text) words += c == ' ';
  EXPECT_EQ(words, 50);
  EXPECT_EQ(answer->sources, std::vector<std::string>{"emulated"});

  auto speech = SynthesizeBlocking(**tts, {.text = "PETR4"}, Seconds(5));
  ASSERT_TRUE(speech.ok()) << speech.status().ToString();
  EXPECT_EQ(speech->wav.size(), 441'044u);
  EXPECT_EQ(speech->wav.substr(0, 4), "RIFF");

  std::string exposition = metrics::RenderText();
  for (const char* service : {"stt", "llm", "tts"}) {
    std::string series =
        "maestro_requests_total{outcome=\"ok\",protocol=\"" + GetParam().protocol + "\",service=\"" + service + "\"}";
    EXPECT_NE(exposition.find(series), std::string::npos) << series << " missing from\n" << exposition;
  }
}

TEST_P(RpcConformanceTest, EngineErrorsKeepTheirCode) {
  auto transport = MakeTransport(Options());
  auto llm_engine = EmulatedLlm();
  auto tts_engine = EmulatedTts();
  auto stt_engine = EmulatedStt();
  auto llm_server = transport->ServeLlm(*llm_engine, "127.0.0.1", 0);
  auto tts_server = transport->ServeTts(*tts_engine, "127.0.0.1", 0);
  auto stt_server = transport->ServeStt(*stt_engine, "127.0.0.1", 0);
  ASSERT_TRUE(llm_server.ok() && tts_server.ok() && stt_server.ok());
  auto llm = transport->ConnectLlm(Address(**llm_server));
  auto tts = transport->ConnectTts(Address(**tts_server));
  auto stt = transport->ConnectStt(Address(**stt_server));

  auto empty_prompt = GenerateBlocking(**llm, {.prompt = ""}, Seconds(5));
  EXPECT_EQ(empty_prompt.status().code(), StatusCode::kInvalidArgument) << empty_prompt.status().ToString();
  EXPECT_EQ(empty_prompt.status().message(), "empty prompt");
  auto long_prompt = GenerateBlocking(**llm, {.prompt = std::string(70'000, 'x')}, Seconds(5));
  EXPECT_EQ(long_prompt.status().code(), StatusCode::kPayloadTooLarge) << long_prompt.status().ToString();
  auto empty_text = SynthesizeBlocking(**tts, {.text = ""}, Seconds(5));
  EXPECT_EQ(empty_text.status().code(), StatusCode::kInvalidArgument);
  auto empty_audio = TranscribeBlocking(**stt, {}, Seconds(5));
  EXPECT_EQ(empty_audio.status().code(), StatusCode::kInvalidArgument);
  // The connection that carried the errors still serves.
  EXPECT_TRUE(GenerateBlocking(**llm, {.prompt = "again"}, Seconds(5)).ok());
}

TEST_P(RpcConformanceTest, EveryStatusCodeCrossesTheWire) {
  auto transport = MakeTransport(Options());
  FailingLlm engine;
  auto server = transport->ServeLlm(engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  auto llm = transport->ConnectLlm(Address(**server));
  for (int i = 1; i <= static_cast<int>(StatusCode::kInternal); ++i) {
    auto code = static_cast<StatusCode>(i);
    auto result = GenerateBlocking(**llm, {.prompt = StatusCodeName(code)}, Seconds(5));
    EXPECT_EQ(result.status().code(), code) << StatusCodeName(code) << " came back as " << result.status().ToString();
    EXPECT_EQ(result.status().message(), std::string("scripted ") + StatusCodeName(code));
  }
}

TEST_P(RpcConformanceTest, DeadlineReachesTheServerAndFailsFast) {
  auto transport = MakeTransport(Options());
  auto slow = EmulatedLlm({{"service_ms", "200"}});
  auto server = transport->ServeLlm(*slow, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  auto llm = transport->ConnectLlm(Address(**server));
  ASSERT_TRUE(GenerateBlocking(**llm, {.prompt = "warm up"}, Seconds(5)).ok());

  auto started = std::chrono::steady_clock::now();
  auto result = GenerateBlocking(**llm, {.prompt = "hurry"}, Deadline::In(std::chrono::milliseconds(50)));
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded) << result.status().ToString();
  EXPECT_LT(elapsed, std::chrono::milliseconds(150));
  EXPECT_GE(elapsed, std::chrono::milliseconds(45));
  // The client recovers: the next call with enough budget succeeds.
  EXPECT_TRUE(GenerateBlocking(**llm, {.prompt = "calm"}, Seconds(5)).ok());
}

TEST_P(RpcConformanceTest, DeadlineTravelsWithTheCall) {
  auto transport = MakeTransport(Options());
  DeadlineRecordingLlm engine;
  auto server = transport->ServeLlm(engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  auto llm = transport->ConnectLlm(Address(**server));
  ASSERT_TRUE(GenerateBlocking(**llm, {.prompt = "budgeted"}, Deadline::In(std::chrono::milliseconds(2000))).ok());
  ASSERT_TRUE(GenerateBlocking(**llm, {.prompt = "unbounded"}, Deadline::Never()).ok());
  ASSERT_EQ(engine.seen.size(), 2u);
  EXPECT_FALSE(engine.seen[0].never());
  EXPECT_LE(engine.remaining_at_arrival_ms[0], 2000);
  EXPECT_GT(engine.remaining_at_arrival_ms[0], 1000);
  EXPECT_TRUE(engine.seen[1].never());
}

TEST_P(RpcConformanceTest, SpentBudgetIsNeverSent) {
  auto transport = MakeTransport(Options());
  auto engine = EmulatedLlm();
  CountingLlm counting(*engine);
  auto server = transport->ServeLlm(counting, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  auto llm = transport->ConnectLlm(Address(**server));
  auto spent = Deadline(Deadline::Clock::now() - std::chrono::milliseconds(1));
  auto result = GenerateBlocking(**llm, {.prompt = "late"}, spent);
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(counting.calls.load(), 0);
  EXPECT_TRUE(GenerateBlocking(**llm, {.prompt = "on time"}, Seconds(5)).ok());
  EXPECT_EQ(counting.calls.load(), 1);
}

TEST_P(RpcConformanceTest, ExcessInflightCallsAreOverloaded) {
  TransportOptions options = Options();
  options.max_inflight = 2;
  options.client_connections = 8;
  auto transport = MakeTransport(options);
  auto slow = EmulatedLlm({{"service_ms", "300"}});
  auto server = transport->ServeLlm(*slow, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  auto llm = transport->ConnectLlm(Address(**server));

  std::vector<std::future<Result<Generation>>> calls;
  for (int i = 0; i < 6; ++i) {
    auto promise = std::make_shared<std::promise<Result<Generation>>>();
    calls.push_back(promise->get_future());
    (*llm)->Generate({.prompt = "q" + std::to_string(i)}, Seconds(5),
                     [promise](Result<Generation> r) { promise->set_value(std::move(r)); });
  }
  int ok = 0;
  int overloaded = 0;
  for (auto& call : calls) {
    auto result = call.get();
    if (result.ok()) ++ok;
    if (result.status().code() == StatusCode::kOverloaded) ++overloaded;
  }
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(overloaded, 4);
}

TEST_P(RpcConformanceTest, CarriesLargePayloadsBothWays) {
  auto transport = MakeTransport(Options());
  auto stt_engine = EmulatedStt();
  auto tts_engine = EmulatedTts({{"seconds", "120"}});  // 5,292,044 bytes: above gRPC's 4 MiB default
  auto stt_server = transport->ServeStt(*stt_engine, "127.0.0.1", 0);
  auto tts_server = transport->ServeTts(*tts_engine, "127.0.0.1", 0);
  ASSERT_TRUE(stt_server.ok() && tts_server.ok());
  auto stt = transport->ConnectStt(Address(**stt_server));
  auto tts = transport->ConnectTts(Address(**tts_server));
  for (size_t bytes : {500'000u, 5'000'000u}) {
    auto transcript = TranscribeBlocking(**stt, {std::string(bytes, 'a'), "big.wav", "audio/wav"}, Seconds(10));
    EXPECT_TRUE(transcript.ok()) << bytes << ": " << transcript.status().ToString();
  }
  auto speech = SynthesizeBlocking(**tts, {.text = "a long answer"}, Seconds(10));
  ASSERT_TRUE(speech.ok()) << speech.status().ToString();
  EXPECT_EQ(speech->wav.size(), 44u + 120u * 22050u * 2u);
}

TEST_P(RpcConformanceTest, RefusesMessagesAboveTheLimitAndStaysHealthy) {
  TransportOptions server_options = Options();
  server_options.max_message_bytes = 1 << 20;
  auto server_transport = MakeTransport(server_options);
  auto client_transport = MakeTransport(Options());
  auto engine = EmulatedStt();
  auto server = server_transport->ServeStt(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  auto stt = client_transport->ConnectStt(Address(**server));
  auto too_big = TranscribeBlocking(**stt, {std::string(3 << 20, 'a'), "big.wav", "audio/wav"}, Seconds(5));
  EXPECT_FALSE(too_big.ok());
  auto fits = TranscribeBlocking(**stt, {std::string(1000, 'a'), "small.wav", "audio/wav"}, Seconds(5));
  EXPECT_TRUE(fits.ok()) << fits.status().ToString();
}

TEST_P(RpcConformanceTest, TwoHundredConcurrentCallsAllSucceed) {
  auto transport = MakeTransport(Options());
  auto engine = EmulatedLlm({{"service_ms", "5"}});
  auto server = transport->ServeLlm(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  auto llm = transport->ConnectLlm(Address(**server));
  constexpr int kCalls = 200;
  std::vector<std::future<Result<Generation>>> calls;
  for (int i = 0; i < kCalls; ++i) {
    auto promise = std::make_shared<std::promise<Result<Generation>>>();
    calls.push_back(promise->get_future());
    (*llm)->Generate({.prompt = "q" + std::to_string(i)}, Seconds(20),
                     [promise](Result<Generation> r) { promise->set_value(std::move(r)); });
  }
  int ok = 0;
  for (auto& call : calls) {
    auto result = call.get();
    ok += result.ok();
    if (!result.ok()) ADD_FAILURE() << result.status().ToString();
  }
  EXPECT_EQ(ok, kCalls);
}

TEST_P(RpcConformanceTest, CallsShareAFewConnections) {
  TransportOptions options = Options();
  options.client_connections = 3;
  auto transport = MakeTransport(options);
  auto engine = EmulatedLlm({{"service_ms", "2"}});
  auto server = transport->ServeLlm(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  auto llm = transport->ConnectLlm(Address(**server));
  for (int round = 0; round < 3; ++round) {
    std::vector<std::future<Result<Generation>>> calls;
    for (int i = 0; i < 60; ++i) {
      auto promise = std::make_shared<std::promise<Result<Generation>>>();
      calls.push_back(promise->get_future());
      (*llm)->Generate({.prompt = "q"}, Seconds(10),
                       [promise](Result<Generation> r) { promise->set_value(std::move(r)); });
    }
    for (auto& call : calls) ASSERT_TRUE(call.get().ok());
  }
  int connections = EstablishedConnectionsTo((*server)->port());
  EXPECT_GE(connections, 1);
  EXPECT_LE(connections, 3) << "180 calls must reuse at most client_connections connections";
}

TEST_P(RpcConformanceTest, UnreachableServiceIsUnavailable) {
  auto transport = MakeTransport(Options());
  auto engine = EmulatedTts();
  auto server = transport->ServeTts(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  std::string address = Address(**server);
  (*server)->Shutdown();
  auto tts = transport->ConnectTts(address);
  ASSERT_TRUE(tts.ok());
  auto result = SynthesizeBlocking(**tts, {.text = "anyone?"}, Seconds(5));
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable) << result.status().ToString();
}

TEST_P(RpcConformanceTest, BusyPortIsUnavailable) {
  auto transport = MakeTransport(Options());
  auto engine = EmulatedTts();
  auto first = transport->ServeTts(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(first.ok());
  auto second = transport->ServeTts(*engine, "127.0.0.1", (*first)->port());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
}

TEST_P(RpcConformanceTest, ShutdownIsIdempotentAndWaitsForCallsInFlight) {
  auto transport = MakeTransport(Options());
  auto slow = EmulatedLlm({{"service_ms", "100"}});
  auto server = transport->ServeLlm(*slow, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  auto llm = transport->ConnectLlm(Address(**server));
  auto promise = std::make_shared<std::promise<Result<Generation>>>();
  auto pending = promise->get_future();
  (*llm)->Generate({.prompt = "finish me"}, Seconds(5),
                   [promise](Result<Generation> r) { promise->set_value(std::move(r)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // let the call reach the engine
  (*server)->Shutdown();
  (*server)->Shutdown();
  auto result = pending.get();
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  server->reset();
}

TEST_P(RpcConformanceTest, MalformedAddressIsInvalidArgument) {
  auto transport = MakeTransport(Options());
  EXPECT_EQ(transport->ConnectStt("no-port").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(transport->ConnectLlm("127.0.0.1:99999").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace maestro::testing
