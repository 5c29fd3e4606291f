// The openai engines against a real HTTP server on loopback (cpp-httplib, port 0) that checks each request the way
// whisper.cpp, llama.cpp, Ollama and vLLM would, and answers in their shapes, including failures.
#include "engines/openai/openai_engines.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "audio/wav.h"
#include "domain/blocking.h"
#include "engines/engine_registry.h"

namespace maestro::openai {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::string KnowledgeDir() {
  const char* dir = std::getenv("MAESTRO_SOURCE_DIR");
  return std::string(dir ? dir : MAESTRO_TEST_SOURCE_DIR) + "/data/knowledge";
}

std::string Wav() {
  std::vector<int16_t> samples(1600, 100);
  return audio::EncodeWav(samples, 16000);
}

class FakeServer {
 public:
  FakeServer() {
    server_.set_tcp_nodelay(true);
    server_.set_keep_alive_max_count(1000);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeServer() {
    Release();
    server_.stop();
    thread_.join();
  }
  // Unblocks handlers that wait for the test to finish (the timeout case).
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    cv_.notify_all();
  }
  void WaitForRelease() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  httplib::Server& server() { return server_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool released_ = false;
};

// "q<i>", built by appending: g++ 12 warns falsely (-Wrestrict) on "literal" + std::string.
std::string Numbered(int i) {
  std::string text = "q";
  text += std::to_string(i);
  return text;
}

EngineOptions Options(const FakeServer& server, EngineOptions extra = {}) {
  extra["base"] = server.base();
  extra["backoff_ms"] = "5";
  return extra;
}

TEST(OpenAiSttTest, SendsMultipartLikeWhisperAndReadsText) {
  FakeServer fake;
  std::atomic<int> calls{0};
  std::string seen_model, seen_format, seen_filename, seen_auth, seen_language;
  size_t seen_bytes = 0;
  fake.server().Post("/v1/audio/transcriptions", [&](const httplib::Request& req, httplib::Response& res) {
    ++calls;
    if (!req.is_multipart_form_data() || !req.has_file("file")) {
      res.status = 400;
      res.set_content(R"({"error":"expected multipart with file"})", "application/json");
      return;
    }
    seen_model = req.get_file_value("model").content;
    seen_format = req.get_file_value("response_format").content;
    seen_language = req.get_file_value("language").content;
    seen_filename = req.get_file_value("file").filename;
    seen_bytes = req.get_file_value("file").content.size();
    seen_auth = req.get_header_value("Authorization");
    res.set_content(R"({"text":" What is the ticker symbol of Petrobras?\n"})", "application/json");
  });
  setenv("MAESTRO_TEST_OPENAI_KEY", "sk-test-123", 1);
  auto stt = CreateSpeechToText(
      Options(fake, {{"model", "base.en"}, {"language", "en"}, {"api_key_env", "MAESTRO_TEST_OPENAI_KEY"}}));
  ASSERT_TRUE(stt.ok()) << stt.status().ToString();
  std::string wav = Wav();
  auto transcript = TranscribeBlocking(**stt, {wav, "q.wav", "audio/wav"}, Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(transcript.ok()) << transcript.status().ToString();
  EXPECT_EQ(transcript->text, "What is the ticker symbol of Petrobras?");
  EXPECT_EQ(transcript->language, "en");
  EXPECT_EQ(seen_model, "base.en");
  EXPECT_EQ(seen_format, "json");
  EXPECT_EQ(seen_language, "en");
  EXPECT_EQ(seen_filename, "q.wav");
  EXPECT_EQ(seen_bytes, wav.size());
  EXPECT_EQ(seen_auth, "Bearer sk-test-123");
  EXPECT_EQ(calls.load(), 1);
}

TEST(OpenAiSttTest, WhisperCppInferencePathAndValidation) {
  FakeServer fake;
  fake.server().Post("/inference", [&](const httplib::Request& req, httplib::Response& res) {
    res.set_content(R"({"text":"hello"})", "application/json");
  });
  auto stt = CreateSpeechToText(Options(fake, {{"path", "/inference"}}));
  ASSERT_TRUE(stt.ok());
  auto transcript = TranscribeBlocking(**stt, {Wav(), "", ""}, Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(transcript.ok()) << transcript.status().ToString();
  EXPECT_EQ(transcript->text, "hello");
  EXPECT_EQ(TranscribeBlocking(**stt, {"", "", ""}, Deadline::Never()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(
      TranscribeBlocking(**stt, {std::string(kMaxAudioBytes + 1, 'x'), "", ""}, Deadline::Never()).status().code(),
      StatusCode::kPayloadTooLarge);
}

TEST(OpenAiLlmTest, ChatCompletionCarriesPromptParametersAndAnalystContext) {
  FakeServer fake;
  json seen;
  std::set<int> client_ports;
  std::mutex mutex;
  fake.server().Post("/v1/chat/completions", [&](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      seen = json::parse(req.body);
      client_ports.insert(req.remote_port);
    }
    EXPECT_EQ(req.get_header_value("Content-Type"), "application/json");
    // llama.cpp server's reply shape.
    res.set_content(R"({"id":"chatcmpl-1","object":"chat.completion","model":"llama-3-8b",
      "choices":[{"index":0,"message":{"role":"assistant","content":"MSFT, ITUB4 and AAPL led 2024."},
      "finish_reason":"stop"}],"usage":{"prompt_tokens":90,"completion_tokens":12,"total_tokens":102}})",
                    "application/json");
  });
  auto llm = CreateLanguageModel(Options(fake, {{"model", "llama-3-8b"}, {"knowledge", KnowledgeDir()}}));
  ASSERT_TRUE(llm.ok()) << llm.status().ToString();
  GenerationRequest request{.prompt = "What were the best stocks of 2024?", .max_tokens = 64, .temperature = 0.2f};
  auto answer = GenerateBlocking(**llm, request, Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->text, "MSFT, ITUB4 and AAPL led 2024.");
  EXPECT_EQ(answer->language, "en");
  EXPECT_THAT(answer->sources.back(), HasSubstr("openai:llama-3-8b@http://127.0.0.1:"));
  EXPECT_THAT(answer->sources.front(), HasSubstr("SYNTHETIC"));

  EXPECT_EQ(seen["model"], "llama-3-8b");
  EXPECT_EQ(seen["max_tokens"], 64);
  EXPECT_NEAR(seen["temperature"].get<double>(), 0.2, 1e-6);
  EXPECT_NEAR(seen["top_p"].get<double>(), 0.9, 1e-6);
  EXPECT_EQ(seen["stream"], false);
  ASSERT_EQ(seen["messages"].size(), 2u);
  EXPECT_EQ(seen["messages"][0]["role"], "system");
  EXPECT_THAT(seen["messages"][0]["content"].get<std::string>(), HasSubstr("at most 50 words"));
  EXPECT_THAT(seen["messages"][0]["content"].get<std::string>(), HasSubstr("copying numbers and tickers exactly"));
  EXPECT_EQ(seen["messages"][1]["role"], "user");
  const std::string user = seen["messages"][1]["content"];
  EXPECT_THAT(user, HasSubstr("Facts:\n- Best stock returns in 2024"));
  EXPECT_THAT(user, HasSubstr("MSFT +92.47%"));
  EXPECT_THAT(user, HasSubstr("Question: What were the best stocks of 2024?"));

  // Portuguese questions get a Portuguese system prompt; sequential calls reuse one kept-alive connection.
  for (int i = 0; i < 3; ++i) {
    auto pt = GenerateBlocking(**llm, {.prompt = "Qual é a diferença entre renda fixa e o Ibovespa?"},
                               Deadline::In(std::chrono::seconds(5)));
    ASSERT_TRUE(pt.ok());
    EXPECT_EQ(pt->language, "pt-BR");
  }
  EXPECT_THAT(seen["messages"][0]["content"].get<std::string>(), HasSubstr("português do Brasil"));
  EXPECT_THAT(seen["messages"][1]["content"].get<std::string>(), HasSubstr("Fatos:\n- "));
  EXPECT_THAT(seen["messages"][1]["content"].get<std::string>(), HasSubstr("Pergunta: Qual é a diferença"));
  EXPECT_EQ(client_ports.size(), 1u) << "each call opened a new connection";
}

TEST(OpenAiLlmTest, OllamaBaseWithV1AndContextNone) {
  FakeServer fake;
  json seen;
  fake.server().Post("/v1/chat/completions", [&](const httplib::Request& req, httplib::Response& res) {
    seen = json::parse(req.body);
    res.set_content(R"({"choices":[{"message":{"role":"assistant","content":"ok"}}]})", "application/json");
  });
  auto llm = CreateLanguageModel({{"base", fake.base() + "/v1/"}, {"model", "llama3"}, {"context", "none"}});
  ASSERT_TRUE(llm.ok()) << llm.status().ToString();
  auto answer = GenerateBlocking(**llm, {.prompt = "hi"}, Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(seen["messages"][1]["content"], "hi");
}

TEST(OpenAiLlmTest, RetriesServerErrorsThenSucceeds) {
  FakeServer fake;
  std::atomic<int> calls{0};
  fake.server().Post("/v1/chat/completions", [&](const httplib::Request&, httplib::Response& res) {
    if (++calls <= 2) {
      res.status = 503;
      res.set_content(R"({"error":"loading model"})", "application/json");
      return;
    }
    res.set_content(R"({"choices":[{"message":{"content":"third time"}}]})", "application/json");
  });
  auto llm = CreateLanguageModel(Options(fake, {{"context", "none"}, {"retries", "2"}}));
  ASSERT_TRUE(llm.ok());
  auto answer = GenerateBlocking(**llm, {.prompt = "q"}, Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->text, "third time");
  EXPECT_EQ(calls.load(), 3);

  // With fewer retries than failures, the 5xx surfaces as kUpstreamError quoting the body.
  calls = 0;
  auto impatient = CreateLanguageModel(Options(fake, {{"context", "none"}, {"retries", "1"}}));
  auto failed = GenerateBlocking(**impatient, {.prompt = "q"}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(failed.status().code(), StatusCode::kUpstreamError);
  EXPECT_THAT(failed.status().message(), HasSubstr("503"));
  EXPECT_THAT(failed.status().message(), HasSubstr("loading model"));
  EXPECT_EQ(failed.status().hop(), "llm");
  EXPECT_EQ(calls.load(), 2);
}

TEST(OpenAiLlmTest, ClientErrorsAreNotRetried) {
  FakeServer fake;
  std::atomic<int> calls{0};
  fake.server().Post("/v1/chat/completions", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 404;
    res.set_content(R"({"error":{"message":"model 'x' not found"}})", "application/json");
  });
  auto llm = CreateLanguageModel(Options(fake, {{"context", "none"}, {"model", "x"}}));
  auto answer = GenerateBlocking(**llm, {.prompt = "q"}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(answer.status().code(), StatusCode::kUpstreamError);
  EXPECT_THAT(answer.status().message(), HasSubstr("not found"));
  EXPECT_EQ(calls.load(), 1);
}

TEST(OpenAiLlmTest, MalformedRepliesAreTypedErrors) {
  FakeServer fake;
  fake.server().Post("/v1/chat/completions", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.body.find("broken") != std::string::npos) {
      res.set_content(R"({"choices":[{"message":)", "application/json");
    } else {
      res.set_content(R"({"choices":[]})", "application/json");
    }
  });
  auto llm = CreateLanguageModel(Options(fake, {{"context", "none"}}));
  auto broken = GenerateBlocking(**llm, {.prompt = "broken"}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(broken.status().code(), StatusCode::kUpstreamError);
  EXPECT_THAT(broken.status().message(), HasSubstr("malformed JSON"));
  auto empty = GenerateBlocking(**llm, {.prompt = "empty"}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(empty.status().code(), StatusCode::kUpstreamError);
  EXPECT_THAT(empty.status().message(), HasSubstr("choices[0].message.content"));
}

TEST(OpenAiLlmTest, SlowServerHitsTheDeadlineWithoutBlockingTheCaller) {
  FakeServer fake;
  fake.server().Post("/v1/chat/completions", [&](const httplib::Request&, httplib::Response& res) {
    fake.WaitForRelease();
    res.set_content(R"({"choices":[{"message":{"content":"late"}}]})", "application/json");
  });
  auto llm = CreateLanguageModel(Options(fake, {{"context", "none"}}));
  ASSERT_TRUE(llm.ok());
  auto start = std::chrono::steady_clock::now();
  std::promise<Result<Generation>> promise;
  auto future = promise.get_future();
  (*llm)->Generate({.prompt = "q"}, Deadline::In(std::chrono::milliseconds(300)),
                   [&promise](Result<Generation> result) { promise.set_value(std::move(result)); });
  // Generate returned at once: the call runs on the engine's worker, not on this thread.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  auto result = future.get();
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded) << result.status().ToString();
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));
  fake.Release();
}

TEST(OpenAiLlmTest, UnreachableServerIsUnavailableAfterBoundedRetries) {
  // A port the OS handed out and that nothing listens on: bound, never listened, then closed.
  int port = 0;
  {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    socklen_t length = sizeof(address);
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
    close(fd);
  }
  auto llm = CreateLanguageModel({{"base", "http://127.0.0.1:" + std::to_string(port)},
                                  {"context", "none"},
                                  {"retries", "2"},
                                  {"backoff_ms", "20"}});
  ASSERT_TRUE(llm.ok());
  auto start = std::chrono::steady_clock::now();
  auto answer = GenerateBlocking(**llm, {.prompt = "q"}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(answer.status().code(), StatusCode::kUnavailable) << answer.status().ToString();
  // Two backoffs of 10-20 ms and 20-40 ms: bounded, far from the 5 s deadline.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
}

TEST(OpenAiLlmTest, BoundedQueueRefusesWithOverloaded) {
  FakeServer fake;
  std::atomic<int> entered{0};
  fake.server().Post("/v1/chat/completions", [&](const httplib::Request&, httplib::Response& res) {
    ++entered;
    fake.WaitForRelease();
    res.set_content(R"({"choices":[{"message":{"content":"ok"}}]})", "application/json");
  });
  auto llm = CreateLanguageModel(Options(fake, {{"context", "none"}, {"workers", "1"}, {"queue", "1"}}));
  ASSERT_TRUE(llm.ok());
  std::atomic<int> overloaded{0};
  std::atomic<int> finished{0};
  for (int i = 0; i < 4; ++i) {
    // Once the first call occupies the only worker, the queue holds one more and refuses the rest.
    while (i == 1 && entered.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    (*llm)->Generate({.prompt = "q"}, Deadline::In(std::chrono::seconds(5)), [&](Result<Generation> result) {
      if (result.status().code() == StatusCode::kOverloaded) ++overloaded;
      ++finished;
    });
  }
  EXPECT_EQ(overloaded.load(), 2);  // one running, one queued, two refused at once
  fake.Release();
  llm->reset();  // drains the pool
  EXPECT_EQ(finished.load(), 4);
}

TEST(OpenAiLlmTest, ConcurrentCallsShareABoundedSetOfConnections) {
  FakeServer fake;
  std::mutex mutex;
  std::set<int> client_ports;
  fake.server().Post("/v1/chat/completions", [&](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      client_ports.insert(req.remote_port);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    res.set_content(R"({"choices":[{"message":{"content":")" +
                        json::parse(req.body)["messages"][1]["content"].get<std::string>() + R"("}}]})",
                    "application/json");
  });
  auto llm = CreateLanguageModel(Options(fake, {{"context", "none"}, {"workers", "3"}, {"queue", "100"}}));
  ASSERT_TRUE(llm.ok());
  constexpr int kCalls = 40;
  std::vector<std::promise<Result<Generation>>> promises(kCalls);
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&, t] {
      for (int i = t; i < kCalls; i += 4) {
        (*llm)->Generate({.prompt = Numbered(i)}, Deadline::In(std::chrono::seconds(10)),
                         [&promises, i](Result<Generation> result) { promises[i].set_value(std::move(result)); });
      }
    });
  }
  for (auto& caller : callers) caller.join();
  for (int i = 0; i < kCalls; ++i) {
    auto result = promises[i].get_future().get();
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->text, Numbered(i));  // every answer reaches its own caller
  }
  EXPECT_LE(client_ports.size(), 3u);
}

TEST(OpenAiTtsTest, RequestsWavSpeech) {
  FakeServer fake;
  json seen;
  fake.server().Post("/v1/audio/speech", [&](const httplib::Request& req, httplib::Response& res) {
    seen = json::parse(req.body);
    if (seen["input"] == "not wav") {
      res.set_content("ID3 mp3 bytes", "audio/mpeg");
      return;
    }
    res.set_content(Wav(), "audio/wav");
  });
  auto tts = CreateTextToSpeech(Options(fake, {{"model", "kokoro"}, {"voice", "af_sky"}}));
  ASSERT_TRUE(tts.ok());
  auto speech = SynthesizeBlocking(**tts, {"PETR4 and PETR3.", ""}, Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(speech.ok()) << speech.status().ToString();
  EXPECT_EQ(speech->wav, Wav());
  EXPECT_EQ(seen["model"], "kokoro");
  EXPECT_EQ(seen["input"], "PETR4 and PETR3.");
  EXPECT_EQ(seen["voice"], "af_sky");
  EXPECT_EQ(seen["response_format"], "wav");
  ASSERT_TRUE(SynthesizeBlocking(**tts, {"x", "pt-br"}, Deadline::In(std::chrono::seconds(5))).ok());
  EXPECT_EQ(seen["voice"], "pt-br");
  auto mp3 = SynthesizeBlocking(**tts, {"not wav", ""}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(mp3.status().code(), StatusCode::kUpstreamError);
  EXPECT_THAT(mp3.status().message(), HasSubstr("not a WAV"));
}

TEST(OpenAiEnginesTest, RegisteredAndOptionsChecked) {
  EXPECT_TRUE(EngineRegistry::Global().CreateTts("openai", {}).ok());
  EXPECT_TRUE(EngineRegistry::Global().CreateStt("openai", {}).ok());
  EXPECT_EQ(CreateTextToSpeech({{"base", "ftp://x"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateTextToSpeech({{"base", "http://"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateTextToSpeech({{"retries", "-1"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateTextToSpeech({{"colour", "red"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateLanguageModel({{"context", "maybe"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace maestro::openai
