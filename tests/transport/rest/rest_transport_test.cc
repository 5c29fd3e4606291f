#include "transport/rest/rest_transport.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "domain/blocking.h"
#include "engines/emulated/emulated_engines.h"
#include "net/http_client.h"
#include "net/multipart.h"
#include "tests/support/test_support.h"

namespace maestro::rest {
namespace {

// A language model that fails the way a test tells it to.
class FailingLanguageModel final : public LanguageModel {
 public:
  explicit FailingLanguageModel(Status status) : status_(std::move(status)) {}
  void Generate(GenerationRequest, Deadline, Callback<Generation> done) override { done(status_); }

 private:
  Status status_;
};

class RestTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    transport_ = CreateTransport(options_);
    stt_engine_ = std::move(emulated::CreateSpeechToText({}).value());
    llm_engine_ = std::move(emulated::CreateLanguageModel({{"words", "12"}}).value());
    tts_engine_ = std::move(emulated::CreateTextToSpeech({}).value());
  }

  std::string Address(const std::unique_ptr<ServiceServer>& server) {
    return "127.0.0.1:" + std::to_string(server->port());
  }

  TransportOptions options_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<SpeechToText> stt_engine_;
  std::unique_ptr<LanguageModel> llm_engine_;
  std::unique_ptr<TextToSpeech> tts_engine_;
};

TEST_F(RestTransportTest, EveryServiceRoundTripsThroughItsClient) {
  auto stt_server = transport_->ServeStt(*stt_engine_, "127.0.0.1", 0).value();
  auto llm_server = transport_->ServeLlm(*llm_engine_, "127.0.0.1", 0).value();
  auto tts_server = transport_->ServeTts(*tts_engine_, "127.0.0.1", 0).value();
  auto stt = transport_->ConnectStt(Address(stt_server)).value();
  auto llm = transport_->ConnectLlm(Address(llm_server)).value();
  auto tts = transport_->ConnectTts(Address(tts_server)).value();
  auto deadline = Deadline::In(std::chrono::seconds(5));

  auto transcript = TranscribeBlocking(*stt, {testing::ToneWav(1), "q.wav", "audio/wav"}, deadline);
  ASSERT_TRUE(transcript.ok()) << transcript.status().ToString();
  EXPECT_EQ(transcript->text, "what is the ticker symbol of petrobras");

  auto answer = GenerateBlocking(*llm, {.prompt = "what is the ticker symbol of petrobras"}, deadline);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(std::count(answer->text.begin(), answer->text.end(), ' '), 11);
  EXPECT_EQ(answer->sources, std::vector<std::string>{"emulated"});

  auto speech = SynthesizeBlocking(*tts, {.text = "hello"}, deadline);
  ASSERT_TRUE(speech.ok()) << speech.status().ToString();
  EXPECT_EQ(speech->wav.size(), 441044u);
}

TEST_F(RestTransportTest, EngineErrorsKeepTheirCode) {
  for (auto code : {StatusCode::kInvalidArgument, StatusCode::kPayloadTooLarge, StatusCode::kInternal,
                    StatusCode::kDeadlineExceeded, StatusCode::kUnsupportedMedia}) {
    FailingLanguageModel failing(Status(code, "told to fail"));
    auto server = transport_->ServeLlm(failing, "127.0.0.1", 0).value();
    auto llm = transport_->ConnectLlm(Address(server)).value();
    auto answer = GenerateBlocking(*llm, {.prompt = "x"}, Deadline::In(std::chrono::seconds(5)));
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.status().code(), code);
    EXPECT_EQ(answer.status().message(), "told to fail");
  }
}

TEST_F(RestTransportTest, DeadlineTravelsToTheService) {
  auto slow = emulated::CreateTextToSpeech({{"service_ms", "300"}}).value();
  auto server = transport_->ServeTts(*slow, "127.0.0.1", 0).value();
  auto tts = transport_->ConnectTts(Address(server)).value();
  auto started = std::chrono::steady_clock::now();
  auto speech = SynthesizeBlocking(*tts, {.text = "x"}, Deadline::In(std::chrono::milliseconds(60)));
  EXPECT_EQ(speech.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(250));
}

TEST_F(RestTransportTest, SpentBudgetIsNotSent) {
  auto server = transport_->ServeLlm(*llm_engine_, "127.0.0.1", 0).value();
  auto llm = transport_->ConnectLlm(Address(server)).value();
  auto answer = GenerateBlocking(*llm, {.prompt = "x"}, Deadline::In(std::chrono::milliseconds(-1)));
  EXPECT_EQ(answer.status().code(), StatusCode::kDeadlineExceeded);
}

TEST_F(RestTransportTest, InflightLimitRefusesTheExcess) {
  TransportOptions tight;
  tight.max_inflight = 2;
  auto transport = CreateTransport(tight);
  auto slow = emulated::CreateLanguageModel({{"service_ms", "300"}}).value();
  auto server = transport->ServeLlm(*slow, "127.0.0.1", 0).value();
  auto llm = transport->ConnectLlm(Address(server)).value();
  std::atomic<int> overloaded{0}, ok{0}, done{0};
  for (int i = 0; i < 6; ++i) {
    llm->Generate({.prompt = "x"}, Deadline::In(std::chrono::seconds(5)), [&](Result<Generation> r) {
      if (r.ok()) ok++;
      if (r.status().code() == StatusCode::kOverloaded) overloaded++;
      done++;
    });
  }
  while (done < 6) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(ok.load(), 2);
  EXPECT_EQ(overloaded.load(), 4);
}

TEST_F(RestTransportTest, BadRequestsGetTypedJsonErrors) {
  auto stt_server = transport_->ServeStt(*stt_engine_, "127.0.0.1", 0).value();
  auto llm_server = transport_->ServeLlm(*llm_engine_, "127.0.0.1", 0).value();
  auto send = [](uint16_t port, const char* target, std::string content_type, std::string body) {
    net::HttpClient client("127.0.0.1", port);
    net::HttpRequest request{net::http::verb::post, target, 11};
    request.set(net::http::field::content_type, content_type);
    request.body() = std::move(body);
    return client.SendBlocking(std::move(request), Deadline::In(std::chrono::seconds(5))).value();
  };
  auto no_json = send(llm_server->port(), "/generate", "application/json", "{not json");
  EXPECT_EQ(no_json.result_int(), 400);
  EXPECT_NE(no_json.body().find("\"code\":\"invalid_argument\""), std::string::npos);
  EXPECT_EQ(send(llm_server->port(), "/generate", "application/json", R"({"prompt": 5})").result_int(), 400);
  EXPECT_EQ(send(llm_server->port(), "/generate", "application/json", R"({"prompt":"x","top_k":"a"})").result_int(),
            400);
  EXPECT_EQ(send(llm_server->port(), "/nowhere", "application/json", "{}").result_int(), 404);
  EXPECT_EQ(send(stt_server->port(), "/transcribe", "text/plain", "abc").result_int(), 400);
  std::string content_type;
  std::string body = net::BuildMultipartFile("other", "a.wav", "audio/wav", "RIFF", content_type);
  EXPECT_EQ(send(stt_server->port(), "/transcribe", content_type, body).result_int(), 400);
}

}  // namespace
}  // namespace maestro::rest
