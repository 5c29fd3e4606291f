// The behaviour every transport must show, as parameterised GoogleTest suites. A test file instantiates
// TransportConformanceTest (every protocol, inproc included) and, for protocols with a wire, also
// WireConformanceTest, with the protocol name and the TransportOptions variants to run.
// Network servers are real (port 0 on loopback) and serve the emulated engines; clients are the transport's own.
// inproc has no server: its clients are engines built by name, so the suite reaches a test's engine through a
// registry entry ("conformance-target") that forwards to it.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/blocking.h"
#include "engines/emulated/emulated_engines.h"
#include "engines/engine_registry.h"
#include "metrics/metrics.h"
#include "tests/support/test_support.h"
#include "transport/transport.h"

namespace maestro::testing {

struct TransportCase {
  std::string label;
  std::string protocol;
  TransportOptions options;
};

inline void PrintTo(const TransportCase& test_case, std::ostream* out) {
  *out << test_case.label;
}

inline std::string CaseName(const ::testing::TestParamInfo<TransportCase>& info) {
  return info.param.label;
}

// Starts a call and RETURNS the future of its result: the suite's way to keep many calls in flight.
inline std::future<Result<Generation>> StartGenerate(LanguageModel& llm, GenerationRequest request, Deadline deadline) {
  auto promise = std::make_shared<std::promise<Result<Generation>>>();
  auto future = promise->get_future();
  llm.Generate(std::move(request), deadline, [promise](Result<Generation> r) { promise->set_value(std::move(r)); });
  return future;
}

// What a client's GenerateStreaming delivered: the pieces with their arrival times, and the outcome.
struct StreamRecord {
  std::vector<std::string> pieces;
  std::vector<std::chrono::steady_clock::time_point> arrived;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point finished;
  std::optional<Result<Generation>> outcome;

  std::string Joined() const {
    std::string text;
    for (const auto& piece : pieces) text += piece;
    return text;
  }
};

// Streams a generation and waits for it; the sink accepts `accept` pieces, then refuses.
inline StreamRecord StreamBlocking(LanguageModel& llm, GenerationRequest request, Deadline deadline,
                                   size_t accept = SIZE_MAX) {
  auto record = std::make_shared<StreamRecord>();
  auto finished = std::make_shared<std::promise<void>>();
  auto future = finished->get_future();
  llm.GenerateStreaming(
      std::move(request), deadline,
      [record, accept](std::string_view piece) {
        if (record->pieces.size() >= accept) return false;
        record->pieces.emplace_back(piece);
        record->arrived.push_back(std::chrono::steady_clock::now());
        return true;
      },
      [record, finished](Result<Generation> result) {
        record->finished = std::chrono::steady_clock::now();
        record->outcome.emplace(std::move(result));
        finished->set_value();
      });
  future.wait();
  return *record;
}

// Wraps the served engine to watch streaming generations from the server's side: how many pieces the engine
// produced, whether the transport refused one (the client cancelled), and when the engine finished.
class WatchedLlm final : public LanguageModel {
 public:
  explicit WatchedLlm(LanguageModel& inner) : inner_(inner) {}
  void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) override {
    inner_.Generate(std::move(request), deadline, std::move(done));
  }
  void GenerateStreaming(GenerationRequest request, Deadline deadline, PieceSink on_piece,
                         Callback<Generation> done) override {
    inner_.GenerateStreaming(
        std::move(request), deadline,
        [this, on_piece = std::move(on_piece)](std::string_view piece) {
          pieces.fetch_add(1);
          bool accepted = on_piece(piece);
          if (!accepted) refused.store(true);
          return accepted;
        },
        [this, done = std::move(done)](Result<Generation> result) {
          {
            // Notified under the lock: a waiter that returns may destroy this object, so the engine thread must
            // be done with it (the condition variable included) before the waiter can take the lock.
            std::lock_guard lock(mutex_);
            last_code_ = result.status().code();
            finished_ = true;
            finished_cv_.notify_all();
          }
          done(std::move(result));
        });
  }
  // RETURNS the status code of the engine's last finished generation, or nullopt if none finished in `within`.
  std::optional<StatusCode> WaitFinished(std::chrono::milliseconds within) {
    std::unique_lock lock(mutex_);
    if (!finished_cv_.wait_for(lock, within, [this] { return finished_; })) return std::nullopt;
    return last_code_;
  }
  std::atomic<int> pieces{0};
  std::atomic<bool> refused{false};

 private:
  LanguageModel& inner_;
  std::mutex mutex_;
  std::condition_variable finished_cv_;
  bool finished_ = false;
  StatusCode last_code_ = StatusCode::kOk;
};

// Engine views that forward to an engine owned elsewhere: what the inproc registry entry hands out.
class ForwardingStt final : public SpeechToText {
 public:
  explicit ForwardingStt(SpeechToText& inner) : inner_(inner) {}
  void Transcribe(AudioClip clip, Deadline deadline, Callback<Transcript> done) override {
    inner_.Transcribe(std::move(clip), deadline, std::move(done));
  }

 private:
  SpeechToText& inner_;
};

class ForwardingLlm : public LanguageModel {
 public:
  explicit ForwardingLlm(LanguageModel& inner) : inner_(inner) {}
  void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) override {
    inner_.Generate(std::move(request), deadline, std::move(done));
  }
  void GenerateStreaming(GenerationRequest request, Deadline deadline, PieceSink on_piece,
                         Callback<Generation> done) override {
    inner_.GenerateStreaming(std::move(request), deadline, std::move(on_piece), std::move(done));
  }

 private:
  LanguageModel& inner_;
};

class ForwardingTts final : public TextToSpeech {
 public:
  explicit ForwardingTts(TextToSpeech& inner) : inner_(inner) {}
  void Synthesize(SynthesisRequest request, Deadline deadline, Callback<SpeechAudio> done) override {
    inner_.Synthesize(std::move(request), deadline, std::move(done));
  }

 private:
  TextToSpeech& inner_;
};

// An STT engine that keeps the last clip it was given, to prove the server hands the engine every byte.
class RecordingStt final : public SpeechToText {
 public:
  void Transcribe(AudioClip clip, Deadline, Callback<Transcript> done) override {
    {
      std::lock_guard lock(mutex_);
      last_ = std::move(clip);
    }
    done(Transcript{"recorded", "en-US", 1.0});
  }
  AudioClip last() const {
    std::lock_guard lock(mutex_);
    return last_;
  }

 private:
  mutable std::mutex mutex_;
  AudioClip last_;
};

// An engine wrapper that counts the calls reaching it, to prove a call was (or was not) sent.
class CountingLlm final : public ForwardingLlm {
 public:
  using ForwardingLlm::ForwardingLlm;
  void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) override {
    calls.fetch_add(1);
    ForwardingLlm::Generate(std::move(request), deadline, std::move(done));
  }
  std::atomic<int> calls{0};
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
  std::string wanted = ":";
  constexpr const char* kHex = "0123456789ABCDEF";
  for (int shift = 12; shift >= 0; shift -= 4) wanted += kHex[(port >> shift) & 0xF];
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

// The engines the inproc registry entry "conformance-target" forwards to; set by the running test.
struct InprocTargets {
  SpeechToText* stt = nullptr;
  LanguageModel* llm = nullptr;
  TextToSpeech* tts = nullptr;

  static InprocTargets& Current() {
    static InprocTargets targets;
    return targets;
  }
  static constexpr const char* kName = "conformance-target";

  // Registers the forwarding entries once per process.
  static void RegisterOnce() {
    static std::once_flag once;
    std::call_once(once, [] {
      auto& registry = EngineRegistry::Global();
      registry.RegisterStt(kName, "test: forwards to the conformance suite's engine", [](const EngineOptions&) {
        return Result<std::unique_ptr<SpeechToText>>(std::make_unique<ForwardingStt>(*Current().stt));
      });
      registry.RegisterLlm(kName, "test: forwards to the conformance suite's engine", [](const EngineOptions&) {
        return Result<std::unique_ptr<LanguageModel>>(std::make_unique<ForwardingLlm>(*Current().llm));
      });
      registry.RegisterTts(kName, "test: forwards to the conformance suite's engine", [](const EngineOptions&) {
        return Result<std::unique_ptr<TextToSpeech>>(std::make_unique<ForwardingTts>(*Current().tts));
      });
    });
  }
};

class TransportConformanceTest : public ::testing::TestWithParam<TransportCase> {
 protected:
  void SetUp() override {
    if (inproc()) InprocTargets::RegisterOnce();
    transport_ = MakeTransport(Options());
  }

  bool inproc() const { return GetParam().protocol == "inproc"; }
  TransportOptions Options() const { return GetParam().options; }

  std::unique_ptr<Transport> MakeTransport(const TransportOptions& options) const {
    auto transport = CreateTransport(GetParam().protocol, options);
    EXPECT_TRUE(transport.ok()) << transport.status().ToString();
    return std::move(*transport);
  }

  static std::string Address(const ServiceServer& server) { return "127.0.0.1:" + std::to_string(server.port()); }

  // RETURNS a client of `transport_` that reaches `engine`: over a server on loopback port 0 kept by the
  // fixture, or for inproc, through the registry entry that forwards to it.
  std::unique_ptr<SpeechToText> Client(SpeechToText& engine) {
    if (inproc()) {
      InprocTargets::Current().stt = &engine;
      return Connected(transport_->ConnectStt(InprocTargets::kName));
    }
    return Connected(transport_->ConnectStt(Served(transport_->ServeStt(engine, "127.0.0.1", 0))));
  }
  std::unique_ptr<LanguageModel> Client(LanguageModel& engine) {
    if (inproc()) {
      InprocTargets::Current().llm = &engine;
      return Connected(transport_->ConnectLlm(InprocTargets::kName));
    }
    return Connected(transport_->ConnectLlm(Served(transport_->ServeLlm(engine, "127.0.0.1", 0))));
  }
  std::unique_ptr<TextToSpeech> Client(TextToSpeech& engine) {
    if (inproc()) {
      InprocTargets::Current().tts = &engine;
      return Connected(transport_->ConnectTts(InprocTargets::kName));
    }
    return Connected(transport_->ConnectTts(Served(transport_->ServeTts(engine, "127.0.0.1", 0))));
  }

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

  // Keeps `engine` until after the servers are gone: a server waits for its engine's pending streams, so an engine
  // must not die first even when a test fails half-way.
  template <typename Engine>
  Engine& Keep(std::unique_ptr<Engine> engine) {
    Engine& kept = *engine;
    kept_.push_back(std::shared_ptr<Engine>(std::move(engine)));
    return kept;
  }

  std::vector<std::shared_ptr<void>> kept_;  // before the servers, so destroyed after them
  std::unique_ptr<Transport> transport_;
  std::vector<std::unique_ptr<ServiceServer>> servers_;

 private:
  std::string Served(Result<std::unique_ptr<ServiceServer>> server) {
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (!server.ok()) return "127.0.0.1:1";
    servers_.push_back(std::move(server).value());
    return Address(*servers_.back());
  }
  template <typename Engine>
  static std::unique_ptr<Engine> Connected(Result<std::unique_ptr<Engine>> client) {
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(client).value() : nullptr;
  }
};

// Behaviour that only a protocol with a wire has: servers, ports, connections, limits and admission.
class WireConformanceTest : public TransportConformanceTest {};

TEST_P(TransportConformanceTest, ServesEachEngine) {
  auto stt_engine = EmulatedStt();
  auto llm_engine = EmulatedLlm();
  auto tts_engine = EmulatedTts();
  auto stt = Client(*stt_engine);
  auto llm = Client(*llm_engine);
  auto tts = Client(*tts_engine);
  ASSERT_TRUE(stt && llm && tts);

  auto transcript = TranscribeBlocking(*stt, {"RIFF....WAVE", "q.wav", "audio/wav"}, Seconds(5));
  ASSERT_TRUE(transcript.ok()) << transcript.status().ToString();
  EXPECT_EQ(transcript->text, "what is the ticker symbol of petrobras");
  EXPECT_EQ(transcript->language, "en-US");

  auto answer = GenerateBlocking(*llm, {.prompt = "what is the ticker of petrobras?"}, Seconds(5));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  int words = 1;
  for (char c : answer->text) words += c == ' ';
  EXPECT_EQ(words, 50);
  EXPECT_EQ(answer->sources, std::vector<std::string>{"emulated"});

  auto speech = SynthesizeBlocking(*tts, {.text = "PETR4"}, Seconds(5));
  ASSERT_TRUE(speech.ok()) << speech.status().ToString();
  EXPECT_EQ(speech->wav.size(), 441'044u);
  EXPECT_EQ(speech->wav.substr(0, 4), "RIFF");
}

TEST_P(TransportConformanceTest, EngineErrorsKeepTheirCode) {
  auto llm_engine = EmulatedLlm();
  auto tts_engine = EmulatedTts();
  auto stt_engine = EmulatedStt();
  auto llm = Client(*llm_engine);
  auto tts = Client(*tts_engine);
  auto stt = Client(*stt_engine);
  ASSERT_TRUE(stt && llm && tts);

  auto empty_prompt = GenerateBlocking(*llm, {.prompt = ""}, Seconds(5));
  EXPECT_EQ(empty_prompt.status().code(), StatusCode::kInvalidArgument) << empty_prompt.status().ToString();
  EXPECT_EQ(empty_prompt.status().message(), "empty prompt");
  auto long_prompt = GenerateBlocking(*llm, {.prompt = std::string(70'000, 'x')}, Seconds(5));
  EXPECT_EQ(long_prompt.status().code(), StatusCode::kPayloadTooLarge) << long_prompt.status().ToString();
  auto empty_text = SynthesizeBlocking(*tts, {.text = ""}, Seconds(5));
  EXPECT_EQ(empty_text.status().code(), StatusCode::kInvalidArgument);
  auto empty_audio = TranscribeBlocking(*stt, {}, Seconds(5));
  EXPECT_EQ(empty_audio.status().code(), StatusCode::kInvalidArgument);
  // The connection that carried the errors still serves.
  EXPECT_TRUE(GenerateBlocking(*llm, {.prompt = "again"}, Seconds(5)).ok());
}

TEST_P(TransportConformanceTest, EveryStatusCodeCrossesTheWire) {
  FailingLlm engine;
  auto llm = Client(engine);
  ASSERT_TRUE(llm);
  for (int i = 1; i <= static_cast<int>(StatusCode::kInternal); ++i) {
    auto code = static_cast<StatusCode>(i);
    auto result = GenerateBlocking(*llm, {.prompt = StatusCodeName(code)}, Seconds(5));
    EXPECT_EQ(result.status().code(), code) << StatusCodeName(code) << " came back as " << result.status().ToString();
    EXPECT_EQ(result.status().message(), std::string("scripted ") + StatusCodeName(code));
  }
}

TEST_P(TransportConformanceTest, DeadlineTravelsWithTheCall) {
  DeadlineRecordingLlm engine;
  auto llm = Client(engine);
  ASSERT_TRUE(llm);
  ASSERT_TRUE(GenerateBlocking(*llm, {.prompt = "budgeted"}, Deadline::In(std::chrono::milliseconds(2000))).ok());
  ASSERT_TRUE(GenerateBlocking(*llm, {.prompt = "unbounded"}, Deadline::Never()).ok());
  ASSERT_EQ(engine.seen.size(), 2u);
  EXPECT_FALSE(engine.seen[0].never());
  // gRPC encodes the timeout rounded up (to keep the header short) and the server re-bases it on its own clock,
  // so the budget may arrive a few milliseconds larger; never by more than that rounding.
  EXPECT_LE(engine.remaining_at_arrival_ms[0], 2000 + 50);
  EXPECT_GT(engine.remaining_at_arrival_ms[0], 1000);
  EXPECT_TRUE(engine.seen[1].never()) << "no deadline must arrive as no deadline, not as a default budget";
}

TEST_P(TransportConformanceTest, CarriesLargePayloadsBothWays) {
  auto stt_engine = EmulatedStt();
  auto tts_engine = EmulatedTts({{"seconds", "120"}});  // 5,292,044 bytes: above gRPC's 4 MiB default
  auto stt = Client(*stt_engine);
  auto tts = Client(*tts_engine);
  ASSERT_TRUE(stt && tts);
  for (size_t bytes : {500'000u, 5'000'000u}) {
    auto transcript = TranscribeBlocking(*stt, {std::string(bytes, 'a'), "big.wav", "audio/wav"}, Seconds(10));
    EXPECT_TRUE(transcript.ok()) << bytes << ": " << transcript.status().ToString();
  }
  auto speech = SynthesizeBlocking(*tts, {.text = "a long answer"}, Seconds(10));
  ASSERT_TRUE(speech.ok()) << speech.status().ToString();
  EXPECT_EQ(speech->wav.size(), 44u + 120u * 22050u * 2u);
}

TEST_P(TransportConformanceTest, TheEngineReceivesTheClipIntact) {
  RecordingStt engine;
  auto stt = Client(engine);
  ASSERT_TRUE(stt);
  std::string audio(300'000, '\0');
  for (size_t i = 0; i < audio.size(); ++i) audio[i] = static_cast<char>(i * 131 % 251);
  auto transcript = TranscribeBlocking(*stt, {audio, "question.wav", "audio/wav"}, Seconds(10));
  ASSERT_TRUE(transcript.ok()) << transcript.status().ToString();
  AudioClip got = engine.last();
  EXPECT_TRUE(got.bytes == audio) << "the engine got " << got.bytes.size() << " bytes of " << audio.size();
  EXPECT_EQ(got.filename, "question.wav");
  EXPECT_EQ(got.content_type, "audio/wav");
}

TEST_P(TransportConformanceTest, TwoHundredConcurrentCallsAllSucceed) {
  auto engine = EmulatedLlm({{"service_ms", "5"}});
  auto llm = Client(*engine);
  ASSERT_TRUE(llm);
  constexpr int kCalls = 200;
  std::vector<std::future<Result<Generation>>> calls;
  for (int i = 0; i < kCalls; ++i) calls.push_back(StartGenerate(*llm, {.prompt = std::to_string(i)}, Seconds(20)));
  int ok = 0;
  for (auto& call : calls) {
    auto result = call.get();
    ok += result.ok();
    if (!result.ok()) ADD_FAILURE() << result.status().ToString();
  }
  EXPECT_EQ(ok, kCalls);
}

TEST_P(TransportConformanceTest, StreamsPiecesBeforeTheAnswerIsComplete) {
  // 20 words, one every 40 ms: the answer takes about 760 ms to write after its first word. A sanitizer build
  // stretches the pace by its time scale, since its own delay before the first piece does not shrink.
  const int piece_ms = 40 * testing::TimeScale();
  auto& engine = Keep(EmulatedLlm({{"words", "20"}, {"piece_ms", std::to_string(piece_ms)}}));
  auto llm = Client(engine);
  ASSERT_TRUE(llm);
  auto unary = GenerateBlocking(*llm, {.prompt = "whole"}, Seconds(10));
  ASSERT_TRUE(unary.ok()) << unary.status().ToString();

  auto record = StreamBlocking(*llm, {.prompt = "stream it"}, Seconds(10));
  ASSERT_TRUE(record.outcome && record.outcome->ok()) << record.outcome->status().ToString();
  const Generation& answer = record.outcome->value();
  EXPECT_EQ(answer.text, unary->text);
  EXPECT_EQ(record.Joined(), answer.text) << "the pieces must concatenate to the answer";
  EXPECT_EQ(answer.language, "en");
  EXPECT_EQ(answer.sources, std::vector<std::string>{"emulated"});
  // Pieces that arrive while a write is in flight may be joined, but most must cross on their own.
  EXPECT_GE(record.pieces.size(), 5u);
  ASSERT_FALSE(record.arrived.empty());
  EXPECT_GE(record.finished - record.arrived.front(), std::chrono::milliseconds(10 * piece_ms))
      << "the first piece must arrive long before the answer is complete";
}

TEST_P(TransportConformanceTest, StreamCancelStopsTheServerSideGeneration) {
  // 200 words, one every 10 ms: about 2 s if nobody stops it.
  auto& watched = Keep(std::make_unique<WatchedLlm>(Keep(EmulatedLlm({{"words", "200"}, {"piece_ms", "10"}}))));
  auto llm = Client(watched);
  ASSERT_TRUE(llm);
  auto record = StreamBlocking(*llm, {.prompt = "stop early"}, Seconds(10), 3);
  ASSERT_TRUE(record.outcome);
  ASSERT_TRUE(record.outcome->ok()) << record.outcome->status().ToString();
  EXPECT_EQ(record.pieces.size(), 3u);
  EXPECT_EQ(record.outcome->value().text.substr(0, record.Joined().size()), record.Joined())
      << "a stopped stream reports what was produced so far";
  auto engine_end = watched.WaitFinished(std::chrono::milliseconds(1500));
  ASSERT_TRUE(engine_end.has_value()) << "the server-side generation kept running after the client stopped it";
  EXPECT_TRUE(watched.refused.load()) << "the server must refuse the engine's next piece";
  EXPECT_LT(watched.pieces.load(), 150);
}

TEST_P(TransportConformanceTest, StreamDeadlineExpiryIsDeadlineExceeded) {
  auto& watched = Keep(std::make_unique<WatchedLlm>(Keep(EmulatedLlm({{"words", "100"}, {"piece_ms", "20"}}))));
  auto llm = Client(watched);  // about 2 s if nothing stops it
  ASSERT_TRUE(llm);
  auto record = StreamBlocking(*llm, {.prompt = "too long"}, Deadline::In(std::chrono::milliseconds(400)));
  ASSERT_TRUE(record.outcome);
  EXPECT_EQ(record.outcome->status().code(), StatusCode::kDeadlineExceeded) << record.outcome->status().ToString();
  EXPECT_FALSE(record.pieces.empty()) << "pieces produced before the deadline are delivered";
  EXPECT_LT(record.finished - record.started, std::chrono::milliseconds(1200));
  EXPECT_TRUE(watched.WaitFinished(std::chrono::milliseconds(1500)).has_value())
      << "the server-side generation must stop at the deadline";
  EXPECT_LT(watched.pieces.load(), 90);
}

TEST_P(TransportConformanceTest, StreamBadInputAndEngineErrorsAreTyped) {
  auto& engine = Keep(EmulatedLlm({{"piece_ms", "5"}}));
  auto llm = Client(engine);
  ASSERT_TRUE(llm);
  auto empty = StreamBlocking(*llm, {.prompt = ""}, Seconds(5));
  EXPECT_EQ(empty.outcome->status().code(), StatusCode::kInvalidArgument) << empty.outcome->status().ToString();
  EXPECT_EQ(empty.outcome->status().message(), "empty prompt");
  EXPECT_TRUE(empty.pieces.empty());
  auto oversized = StreamBlocking(*llm, {.prompt = std::string(70'000, 'x')}, Seconds(5));
  EXPECT_EQ(oversized.outcome->status().code(), StatusCode::kPayloadTooLarge) << oversized.outcome->status().ToString();
  auto spent =
      StreamBlocking(*llm, {.prompt = "late"}, Deadline(Deadline::Clock::now() - std::chrono::milliseconds(1)));
  EXPECT_EQ(spent.outcome->status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(StreamBlocking(*llm, {.prompt = "still serves"}, Seconds(5)).outcome->ok());

  FailingLlm failing;
  auto failing_client = Client(failing);
  ASSERT_TRUE(failing_client);
  for (int i = 1; i <= static_cast<int>(StatusCode::kInternal); ++i) {
    auto code = static_cast<StatusCode>(i);
    auto record = StreamBlocking(*failing_client, {.prompt = StatusCodeName(code)}, Seconds(5));
    EXPECT_EQ(record.outcome->status().code(), code)
        << StatusCodeName(code) << " came back as " << record.outcome->status().ToString();
  }
}

TEST_P(TransportConformanceTest, ManyStreamsAtOnceAllComplete) {
  auto& engine = Keep(EmulatedLlm({{"words", "10"}, {"piece_ms", "5"}}));
  auto llm = Client(engine);
  ASSERT_TRUE(llm);
  constexpr int kStreams = 40;
  std::vector<std::future<StreamRecord>> streams;
  for (int i = 0; i < kStreams; ++i) {
    streams.push_back(std::async(std::launch::async, [&llm, i] {
      std::string prompt = std::to_string(i);
      prompt.insert(prompt.begin(), 'q');  // not "q" + string: g++ 12's -Wrestrict false positive (GCC bug 105651)
      return StreamBlocking(*llm, {.prompt = prompt}, Seconds(20));
    }));
  }
  for (auto& stream : streams) {
    auto record = stream.get();
    ASSERT_TRUE(record.outcome->ok()) << record.outcome->status().ToString();
    EXPECT_EQ(record.Joined(), record.outcome->value().text);
  }
}

TEST_P(WireConformanceTest, CountsEveryServiceInItsMetrics) {
  auto stt_engine = EmulatedStt();
  auto llm_engine = EmulatedLlm();
  auto tts_engine = EmulatedTts();
  auto stt = Client(*stt_engine);
  auto llm = Client(*llm_engine);
  auto tts = Client(*tts_engine);
  ASSERT_TRUE(stt && llm && tts);
  ASSERT_TRUE(TranscribeBlocking(*stt, {"RIFF....WAVE", "q.wav", "audio/wav"}, Seconds(5)).ok());
  ASSERT_TRUE(GenerateBlocking(*llm, {.prompt = "counted"}, Seconds(5)).ok());
  ASSERT_TRUE(SynthesizeBlocking(*tts, {.text = "counted"}, Seconds(5)).ok());
  std::string exposition = metrics::RenderText();
  for (const char* service : {"stt", "llm", "tts"}) {
    std::string series =
        "maestro_requests_total{outcome=\"ok\",protocol=\"" + GetParam().protocol + "\",service=\"" + service + "\"}";
    EXPECT_NE(exposition.find(series), std::string::npos) << series << " missing from\n" << exposition;
  }
}

// The value of one series of the process's metrics exposition; 0 when it is absent.
inline double MetricValue(const std::string& series) {
  const std::string exposition = metrics::RenderText();
  const auto at = exposition.find(series + " ");
  return at == std::string::npos ? 0 : std::stod(exposition.substr(at + series.size() + 1));
}

// A streamed answer is one request in /metrics on every protocol, however many messages, chunks or polls it took.
TEST_P(WireConformanceTest, CountsAStreamAsOneRequest) {
  auto& engine = Keep(EmulatedLlm({{"words", "20"}, {"piece_ms", "20"}}));
  auto llm = Client(engine);
  ASSERT_TRUE(llm);
  const std::string series =
      "maestro_requests_total{outcome=\"ok\",protocol=\"" + GetParam().protocol + "\",service=\"llm\"}";
  const double before = MetricValue(series);
  auto record = StreamBlocking(*llm, {.prompt = "count me once"}, Seconds(10));
  ASSERT_TRUE(record.outcome && record.outcome->ok()) << record.outcome->status().ToString();
  EXPECT_GE(record.pieces.size(), 5u) << "the stream must have taken several deliveries";
  // The server counts a stream when its last byte is written, which may be just after the client has read it.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (MetricValue(series) - before < 1 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(MetricValue(series) - before, 1);
}

TEST_P(WireConformanceTest, DeadlineReachesTheServerAndFailsFast) {
  auto slow = EmulatedLlm({{"service_ms", "200"}});
  auto llm = Client(*slow);
  ASSERT_TRUE(llm);
  ASSERT_TRUE(GenerateBlocking(*llm, {.prompt = "warm up"}, Seconds(5)).ok());

  auto started = std::chrono::steady_clock::now();
  auto result = GenerateBlocking(*llm, {.prompt = "hurry"}, Deadline::In(std::chrono::milliseconds(50)));
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded) << result.status().ToString();
  EXPECT_LT(elapsed, std::chrono::milliseconds(150));
  // Not cut short by us. Under ASan, gRPC over mTLS once answered 11 ms before the deadline (39 ms), from its own
  // timers, which the client's deadline only feeds; the band widens with a sanitizer build's time scale.
  EXPECT_GE(elapsed, std::chrono::milliseconds(45 - 10 * (testing::TimeScale() - 1)));
  // The client recovers: the next call with enough budget succeeds.
  EXPECT_TRUE(GenerateBlocking(*llm, {.prompt = "calm"}, Seconds(5)).ok());
}

TEST_P(WireConformanceTest, SpentBudgetIsNeverSent) {
  auto engine = EmulatedLlm();
  CountingLlm counting(*engine);
  auto llm = Client(counting);
  ASSERT_TRUE(llm);
  auto spent = Deadline(Deadline::Clock::now() - std::chrono::milliseconds(1));
  auto result = GenerateBlocking(*llm, {.prompt = "late"}, spent);
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(counting.calls.load(), 0);
  EXPECT_TRUE(GenerateBlocking(*llm, {.prompt = "on time"}, Seconds(5)).ok());
  EXPECT_EQ(counting.calls.load(), 1);
}

TEST_P(WireConformanceTest, ExcessInflightCallsAreOverloaded) {
  TransportOptions options = Options();
  options.max_inflight = 2;
  options.client_connections = 8;
  transport_ = MakeTransport(options);
  auto slow = EmulatedLlm({{"service_ms", "300"}});
  auto llm = Client(*slow);
  ASSERT_TRUE(llm);

  std::vector<std::future<Result<Generation>>> calls;
  for (int i = 0; i < 6; ++i) calls.push_back(StartGenerate(*llm, {.prompt = std::to_string(i)}, Seconds(5)));
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

TEST_P(WireConformanceTest, RefusesMessagesAboveTheLimitAndStaysHealthy) {
  TransportOptions server_options = Options();
  server_options.max_message_bytes = 1 << 20;
  auto server_transport = MakeTransport(server_options);
  auto engine = EmulatedStt();
  auto server = server_transport->ServeStt(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  auto stt = transport_->ConnectStt(Address(**server));
  auto too_big = TranscribeBlocking(**stt, {std::string(3 << 20, 'a'), "big.wav", "audio/wav"}, Seconds(5));
  EXPECT_FALSE(too_big.ok());
  auto fits = TranscribeBlocking(**stt, {std::string(1000, 'a'), "small.wav", "audio/wav"}, Seconds(5));
  EXPECT_TRUE(fits.ok()) << fits.status().ToString();
}

TEST_P(WireConformanceTest, CallsShareAFewConnections) {
  TransportOptions options = Options();
  options.client_connections = 3;
  transport_ = MakeTransport(options);
  auto engine = EmulatedLlm({{"service_ms", "2"}});
  auto llm = Client(*engine);
  ASSERT_TRUE(llm);
  for (int round = 0; round < 3; ++round) {
    std::vector<std::future<Result<Generation>>> calls;
    for (int i = 0; i < 60; ++i) calls.push_back(StartGenerate(*llm, {.prompt = "q"}, Seconds(10)));
    for (auto& call : calls) ASSERT_TRUE(call.get().ok());
  }
  int connections = EstablishedConnectionsTo(servers_.back()->port());
  EXPECT_GE(connections, 1);
  EXPECT_LE(connections, 3) << "180 calls must reuse at most client_connections connections";
}

TEST_P(WireConformanceTest, UnreachableServiceIsUnavailable) {
  auto engine = EmulatedTts();
  auto server = transport_->ServeTts(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  std::string address = Address(**server);
  (*server)->Shutdown();
  auto tts = transport_->ConnectTts(address);
  ASSERT_TRUE(tts.ok());
  auto result = SynthesizeBlocking(**tts, {.text = "anyone?"}, Seconds(5));
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable) << result.status().ToString();
}

TEST_P(WireConformanceTest, BusyPortIsUnavailable) {
  auto engine = EmulatedTts();
  auto first = transport_->ServeTts(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(first.ok());
  auto second = transport_->ServeTts(*engine, "127.0.0.1", (*first)->port());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
}

TEST_P(WireConformanceTest, ShutdownIsIdempotentAndWaitsForCallsInFlight) {
  auto slow = EmulatedLlm({{"service_ms", "300"}});
  CountingLlm counting(*slow);
  auto llm = Client(counting);
  ASSERT_TRUE(llm);
  auto pending = StartGenerate(*llm, {.prompt = "finish me"}, Seconds(5));
  // Shut down only once the call is in the engine: a loaded machine may take longer than any fixed pause.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (counting.calls.load() == 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(counting.calls.load(), 1) << "the call never reached the engine";
  servers_.back()->Shutdown();
  servers_.back()->Shutdown();
  auto result = pending.get();
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  servers_.back().reset();
}

TEST_P(WireConformanceTest, MalformedAddressIsInvalidArgument) {
  EXPECT_EQ(transport_->ConnectStt("no-port").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(transport_->ConnectLlm("127.0.0.1:99999").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace maestro::testing
