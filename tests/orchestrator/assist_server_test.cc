#include "orchestrator/assist_server.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "engines/emulated/emulated_engines.h"
#include "net/http_client.h"
#include "net/multipart.h"
#include "orchestrator/api_keys.h"
#include "tests/support/test_support.h"

namespace maestro {
namespace {

namespace http = net::http;

class AssistServerTest : public ::testing::Test {
 protected:
  void StartWith(EngineOptions stt_options, EngineOptions tts_options, AssistServerOptions options = {}) {
    stt_ = std::move(emulated::CreateSpeechToText(stt_options).value());
    llm_ = std::move(emulated::CreateLanguageModel({}).value());
    tts_ = std::move(emulated::CreateTextToSpeech(tts_options).value());
    pipeline_ = std::make_unique<Pipeline>(*stt_, *llm_, *tts_, PipelineOptions{});
    options.port = 0;
    server_ = std::move(AssistServer::Start(*pipeline_, options).value());
    client_ =
        std::make_unique<net::HttpClient>("127.0.0.1", server_->port(), net::HttpClientOptions{.max_connections = 16});
  }
  void SetUp() override { StartWith({}, {}); }

  net::HttpResponse Upload(const std::string& field, const std::string& data, const std::string& accept = "") {
    net::HttpRequest request{http::verb::post, "/assist", 11};
    std::string content_type;
    request.body() = net::BuildMultipartFile(field, "q.wav", "audio/wav", data, content_type);
    request.set(http::field::content_type, content_type);
    if (!accept.empty()) request.set(http::field::accept, accept);
    return Send(std::move(request));
  }

  net::HttpResponse Send(net::HttpRequest request) {
    auto response = client_->SendBlocking(std::move(request), Deadline::In(std::chrono::seconds(20)));
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    return response.ok() ? std::move(response).value() : net::HttpResponse{};
  }

  std::unique_ptr<SpeechToText> stt_;
  std::unique_ptr<LanguageModel> llm_;
  std::unique_ptr<TextToSpeech> tts_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<AssistServer> server_;
  std::unique_ptr<net::HttpClient> client_;
};

TEST_F(AssistServerTest, AnswersAWavWithAWav) {
  auto response = Upload("file", testing::ToneWav(1));
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_type], "audio/wav");
  EXPECT_EQ(response.body().size(), 441044u);
  EXPECT_NE(response["X-Maestro-Timings-Ms"].find("total="), std::string::npos);
}

TEST_F(AssistServerTest, JsonVariantCarriesTranscriptAnswerAudioAndTimings) {
  auto response = Upload("file", testing::ToneWav(1), "application/json");
  ASSERT_EQ(response.result_int(), 200);
  auto body = nlohmann::json::parse(response.body());
  EXPECT_EQ(body["transcript"], "what is the ticker symbol of petrobras");
  EXPECT_FALSE(body["answer"].get<std::string>().empty());
  EXPECT_EQ(body["audio_wav_base64"].get<std::string>().size(), (441044u + 2) / 3 * 4);
  for (const char* hop : {"stt", "llm", "tts", "total"}) EXPECT_TRUE(body["timings_ms"][hop].is_number()) << hop;
}

TEST_F(AssistServerTest, AcceptsARawAudioBody) {
  net::HttpRequest request{http::verb::post, "/assist", 11};
  request.set(http::field::content_type, "audio/wav");
  request.body() = testing::ToneWav(0.5);
  EXPECT_EQ(Send(std::move(request)).result_int(), 200);
}

// An STT engine that keeps the clips it was given.
class RecordingStt final : public SpeechToText {
 public:
  void Transcribe(AudioClip clip, Deadline, Callback<Transcript> done) override {
    {
      std::lock_guard lock(mutex_);
      clips_.push_back(std::move(clip));
    }
    done(Transcript{"what is the ticker symbol of petrobras", "en-US", 1.0});
  }
  std::vector<AudioClip> clips() const {
    std::lock_guard lock(mutex_);
    return clips_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<AudioClip> clips_;
};

// The upload is cut out of the request body in place; the engine must still get exactly the file's bytes, with
// the parts before and after it left out.
TEST(AssistServerUploadTest, TheEngineGetsExactlyTheUploadedFile) {
  RecordingStt stt;
  auto llm = std::move(emulated::CreateLanguageModel({}).value());
  auto tts = std::move(emulated::CreateTextToSpeech({}).value());
  Pipeline pipeline(stt, *llm, *tts, PipelineOptions{});
  auto server = std::move(AssistServer::Start(pipeline, {.port = 0}).value());
  net::HttpClient client("127.0.0.1", server->port(), {.max_connections = 1});
  const std::string wav = testing::ToneWav(0.3);

  net::HttpRequest multipart{http::verb::post, "/assist", 11};
  multipart.set(http::field::content_type, "multipart/form-data; boundary=XyZ");
  multipart.body() =
      "--XyZ\r\nContent-Disposition: form-data; name=\"before\"\r\n\r\nfirst part\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"question.wav\"\r\n"
      "Content-Type: audio/x-wav\r\n\r\n" +
      wav + "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"after\"\r\n\r\nlast part\r\n--XyZ--\r\n";
  auto response = client.SendBlocking(std::move(multipart), Deadline::In(std::chrono::seconds(10)));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->result_int(), 200) << response->body();

  net::HttpRequest raw{http::verb::post, "/assist", 11};
  raw.set(http::field::content_type, "audio/wav");
  raw.body() = wav;
  response = client.SendBlocking(std::move(raw), Deadline::In(std::chrono::seconds(10)));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->result_int(), 200) << response->body();

  const auto clips = stt.clips();
  ASSERT_EQ(clips.size(), 2u);
  EXPECT_TRUE(clips[0].bytes == wav) << "multipart: " << clips[0].bytes.size() << " bytes, want " << wav.size();
  EXPECT_EQ(clips[0].filename, "question.wav");
  EXPECT_EQ(clips[0].content_type, "audio/x-wav");
  EXPECT_TRUE(clips[1].bytes == wav) << "raw: " << clips[1].bytes.size() << " bytes, want " << wav.size();
  EXPECT_EQ(clips[1].content_type, "audio/wav");
}

TEST_F(AssistServerTest, BadUploadsGetTypedErrorsAndNeverReachStt) {
  auto missing = Upload("not_file", testing::ToneWav(1));
  EXPECT_EQ(missing.result_int(), 400);
  EXPECT_NE(missing.body().find("'file'"), std::string::npos);
  EXPECT_EQ(Upload("file", "").result_int(), 400);
  auto not_audio = Upload("file", "this is a text file, not audio");
  EXPECT_EQ(not_audio.result_int(), 415);
  EXPECT_EQ(nlohmann::json::parse(not_audio.body())["code"], "unsupported_media");

  net::HttpRequest text{http::verb::post, "/assist", 11};
  text.set(http::field::content_type, "text/plain");
  text.body() = "hello";
  EXPECT_EQ(Send(std::move(text)).result_int(), 415);

  net::HttpRequest get{http::verb::get, "/assist", 11};
  EXPECT_EQ(Send(std::move(get)).result_int(), 400);
  net::HttpRequest nowhere{http::verb::post, "/nowhere", 11};
  EXPECT_EQ(Send(std::move(nowhere)).result_int(), 404);
}

TEST_F(AssistServerTest, UploadAboveTheLimitGets413) {
  AssistServerOptions options;
  options.max_upload_bytes = 100000;
  StartWith({}, {}, options);
  auto response = Upload("file", testing::ToneWav(5));  // 160 KB
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_EQ(nlohmann::json::parse(response.body())["code"], "payload_too_large");
}

TEST_F(AssistServerTest, SlowHopGets504NamingIt) {
  AssistServerOptions options;
  options.timeout = std::chrono::milliseconds(100);
  StartWith({}, {{"service_ms", "400"}}, options);
  auto response = Upload("file", testing::ToneWav(1));
  EXPECT_EQ(response.result_int(), 504);
  EXPECT_EQ(nlohmann::json::parse(response.body())["hop"], "tts");
}

TEST_F(AssistServerTest, ExcessBeyondTheQueueGets503WithRetryAfter) {
  AssistServerOptions options;
  options.max_inflight = 1;
  options.max_queued = 1;
  StartWith({{"service_ms", "300"}}, {}, options);
  std::atomic<int> overloaded{0}, ok{0}, done{0};
  std::string content_type;
  std::string body = net::BuildMultipartFile("file", "q.wav", "audio/wav", testing::ToneWav(0.2), content_type);
  for (int i = 0; i < 4; ++i) {
    net::HttpRequest request{http::verb::post, "/assist", 11};
    request.set(http::field::content_type, content_type);
    request.body() = body;
    client_->Send(std::move(request), Deadline::In(std::chrono::seconds(5)), [&](Result<net::HttpResponse> r) {
      if (r.ok() && r->result_int() == 200) ok++;
      if (r.ok() && r->result_int() == 503 && (*r)[http::field::retry_after] == "1") overloaded++;
      done++;
    });
  }
  ASSERT_TRUE(testing::WaitUntil([&] { return done == 4; }, std::chrono::seconds(30)));
  EXPECT_EQ(ok.load(), 2);  // one processed, one queued behind it
  EXPECT_EQ(overloaded.load(), 2);
}

int ThreadCount() {
  int count = 0;
  for (auto& entry : std::filesystem::directory_iterator("/proc/self/task")) count += entry.exists();
  return count;
}

TEST_F(AssistServerTest, HoldsAThousandConcurrentRequestsWithoutAThreadEach) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_max < 4096) GTEST_SKIP() << "needs 4096 file descriptors, hard limit is " << limit.rlim_max;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);

  AssistServerOptions options;
  options.max_inflight = 2000;
  options.threads = 2;
  StartWith({{"service_ms", "1500"}}, {{"seconds", "0.1"}}, options);
  net::HttpClient many("127.0.0.1", server_->port(), {.max_connections = 1000});
  std::string content_type;
  std::string body = net::BuildMultipartFile("file", "q.wav", "audio/wav", testing::ToneWav(0.1), content_type);
  const int threads_before = ThreadCount();
  std::atomic<int> ok{0}, done{0};
  const int requests = 1000;
  for (int i = 0; i < requests; ++i) {
    net::HttpRequest request{http::verb::post, "/assist", 11};
    request.set(http::field::content_type, content_type);
    request.body() = body;
    many.Send(std::move(request), Deadline::In(std::chrono::seconds(30)), [&](Result<net::HttpResponse> r) {
      if (r.ok() && r->result_int() == 200) ok++;
      done++;
    });
  }
  // Midway through the 1.5 s service time every request is held at once.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_LT(ThreadCount() - threads_before, 10);
  ASSERT_TRUE(testing::WaitUntil([&] { return done == requests; }, std::chrono::seconds(60)));
  EXPECT_EQ(ok.load(), requests);
}

// Found by the 200-user fault matrix: a request that waited for a slot got a full budget after the wait, and
// its answer came later than the deadline the caller was promised.
TEST_F(AssistServerTest, TimeWaitingForASlotCountsAgainstTheDeadline) {
  AssistServerOptions options;
  options.max_inflight = 1;
  options.max_queued = 4;
  options.timeout = std::chrono::milliseconds(1000);
  // The first request holds the only slot for ~600 ms; the second then has ~400 ms left, less than STT takes.
  StartWith({{"service_ms", "600"}}, {{"seconds", "0.1"}}, options);
  std::string content_type;
  const std::string body = net::BuildMultipartFile("file", "q.wav", "audio/wav", testing::ToneWav(0.2), content_type);
  std::atomic<int> ok{0}, late{0}, done{0};
  for (int i = 0; i < 2; ++i) {
    net::HttpRequest request{http::verb::post, "/assist", 11};
    request.set(http::field::content_type, content_type);
    request.body() = body;
    client_->Send(std::move(request), Deadline::In(std::chrono::seconds(5)), [&](Result<net::HttpResponse> r) {
      if (r.ok() && r->result_int() == 200) ok++;
      if (r.ok() && r->result_int() == 504) late++;
      done++;
    });
  }
  while (done < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(late.load(), 1) << "the queued request got a whole budget after its wait";
}

TEST_F(AssistServerTest, AdminRoutesCanLeaveThePublicPort) {
  EXPECT_EQ(Send(net::HttpRequest{http::verb::get, "/metrics", 11}).result_int(), 200);
  AssistServerOptions options;
  options.admin_routes = false;
  StartWith({}, {}, options);
  for (const char* path : {"/metrics", "/healthz", "/readyz", "/health"}) {
    EXPECT_EQ(Send(net::HttpRequest{http::verb::get, path, 11}).result_int(), 404) << path;
  }
}

net::HttpRequest AskRequest(const std::string& key = "") {
  net::HttpRequest request{http::verb::post, "/ask", 11};
  request.set(http::field::content_type, "application/json");
  request.body() = R"({"question": "What is the ticker of Petrobras?"})";
  if (!key.empty()) request.set(http::field::authorization, "Bearer " + key);
  request.prepare_payload();
  return request;
}

TEST_F(AssistServerTest, WithKeysAssistAndAskNeedABearerKeyAndHealthDoesNot) {
  testing::TempDir dir;
  const std::string file = (dir.path() / "keys").string();
  const std::string key = ApiKeys::Add(file, "alice").value();
  AssistServerOptions options;
  options.api_keys = ApiKeys::Load(file).value();
  StartWith({}, {{"seconds", "0.1"}}, options);

  auto missing = Send(AskRequest());
  EXPECT_EQ(missing.result_int(), 401);
  EXPECT_EQ(missing[http::field::www_authenticate], "Bearer");
  EXPECT_EQ(nlohmann::json::parse(missing.body())["code"], "unauthenticated");
  EXPECT_EQ(Send(AskRequest(std::string(64, 'a'))).result_int(), 401);
  EXPECT_EQ(Upload("file", testing::ToneWav(0.5)).result_int(), 401);
  EXPECT_EQ(Send(AskRequest(key)).result_int(), 200);
  EXPECT_EQ(Send(net::HttpRequest{http::verb::get, "/healthz", 11}).result_int(), 200);
}

TEST_F(AssistServerTest, OverItsRateAKeyGets429WithRetryAfter) {
  testing::TempDir dir;
  const std::string file = (dir.path() / "keys").string();
  const std::string alice = ApiKeys::Add(file, "alice").value();
  const std::string bob = ApiKeys::Add(file, "bob").value();
  AssistServerOptions options;
  options.api_keys = ApiKeys::Load(file).value();
  options.rate_limit = 0.5;
  options.rate_burst = 2;
  StartWith({}, {{"seconds", "0.1"}}, options);

  EXPECT_EQ(Send(AskRequest(alice)).result_int(), 200);
  EXPECT_EQ(Send(AskRequest(alice)).result_int(), 200);
  auto limited = Send(AskRequest(alice));
  EXPECT_EQ(limited.result_int(), 429);
  EXPECT_EQ(nlohmann::json::parse(limited.body())["code"], "rate_limited");
  const int retry_after = std::stoi(std::string(limited[http::field::retry_after]));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 2);
  // Each key has its own bucket.
  EXPECT_EQ(Send(AskRequest(bob)).result_int(), 200);
}

}  // namespace
}  // namespace maestro
