// POST /assist/stream and the WebSocket /ws, driven by plain Beast clients (synchronous, one socket each).
#include "orchestrator/stream_routes.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "audio/decode.h"
#include "audio/wav.h"
#include "domain/blocking.h"
#include "engines/espeak/espeak_engine.h"
#include "net/multipart.h"
#include "orchestrator/assist_server.h"
#include "tests/support/test_support.h"

namespace maestro {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using namespace std::chrono_literals;

class FixedStt final : public SpeechToText {
 public:
  std::atomic<int> calls{0};
  void Transcribe(AudioClip clip, Deadline, Callback<Transcript> done) override {
    ++calls;
    if (audio::SniffContainer(clip.bytes) != "wav") return done(InvalidArgument("not a wav"));
    done(Transcript{"what is the ticker symbol of petrobras", "en-US", 1});
  }
};

// Answers at once, or after `delay` on a thread of its own, like a remote model.
class ThreeSentenceLlm final : public LanguageModel {
 public:
  std::chrono::milliseconds delay{0};
  void Generate(GenerationRequest, Deadline, Callback<Generation> done) override {
    Generation answer{"Petrobras trades as PETR4. It is on B3. That is all.", "en", {"instruments"}};
    if (delay.count() == 0) return done(std::move(answer));
    std::lock_guard lock(mutex_);
    workers_.emplace_back([this, answer, done] {
      std::this_thread::sleep_for(delay);
      done(answer);
    });
  }
  ~ThreeSentenceLlm() override {
    std::lock_guard lock(mutex_);
    for (auto& worker : workers_) worker.join();
  }

 private:
  std::mutex mutex_;
  std::vector<std::thread> workers_;
};

// Speaks each sentence as 100 samples per character at 22050 Hz, so lengths can be checked exactly.
class CountingTts final : public TextToSpeech {
 public:
  void Synthesize(SynthesisRequest request, Deadline, Callback<SpeechAudio> done) override {
    std::vector<int16_t> samples(request.text.size() * 100, 1000);
    done(SpeechAudio{audio::EncodeWav(samples, 22050)});
  }
};

class StreamRoutesTest : public ::testing::Test {
 protected:
  void Start(AssistServerOptions options = {}) {
    pipeline_ = std::make_unique<Pipeline>(stt_, llm_, tts_, PipelineOptions{});
    streaming_ = std::make_unique<StreamingPipeline>(stt_, llm_, tts_, StreamingOptions{.protocol = "test"});
    options.port = 0;
    options.streaming.protocol = "test";
    server_ = std::move(AssistServer::Start(*pipeline_, options, streaming_.get()).value());
  }
  void SetUp() override { Start(); }

  tcp::socket Connect() {
    tcp::socket socket(io_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    return socket;
  }

  // Posts `body` to /assist/stream and reads the whole (chunked) response, trailers included.
  http::response<http::string_body> PostStream(const std::string& body, const std::string& accept = "") {
    auto socket = Connect();
    http::request<http::string_body> request{http::verb::post, "/assist/stream", 11};
    request.set(http::field::host, "localhost");
    request.set(http::field::content_type, "audio/wav");
    if (!accept.empty()) request.set(http::field::accept, accept);
    request.body() = body;
    request.prepare_payload();
    http::write(socket, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    beast::error_code ec;
    http::read(socket, buffer, parser, ec);
    EXPECT_FALSE(ec) << ec.message();
    return parser.release();
  }

  std::unique_ptr<websocket::stream<tcp::socket>> OpenWebSocket() {
    auto ws = std::make_unique<websocket::stream<tcp::socket>>(Connect());
    ws->handshake("localhost", "/ws");
    return ws;
  }

  // Reads messages until an event of `type` arrives; RETURNS every event read (binary ones as {"binary": n}).
  std::vector<json> ReadUntil(websocket::stream<tcp::socket>& ws, const std::string& type) {
    std::vector<json> events;
    for (int i = 0; i < 1000; ++i) {
      beast::flat_buffer buffer;
      ws.read(buffer);
      std::string data = beast::buffers_to_string(buffer.data());
      if (ws.got_binary()) {
        events.push_back({{"binary", data.size()}, {"riff", data.rfind("RIFF", 0) == 0}});
        continue;
      }
      events.push_back(json::parse(data));
      if (events.back()["type"] == type) break;
    }
    return events;
  }

  asio::io_context io_;
  FixedStt stt_;
  ThreeSentenceLlm llm_;
  CountingTts tts_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<StreamingPipeline> streaming_;
  std::unique_ptr<AssistServer> server_;
};

TEST_F(StreamRoutesTest, AssistStreamSendsOneGrowingWavWithTimingsInTheTrailer) {
  auto response = PostStream(testing::ToneWav(0.5));
  ASSERT_EQ(response.result_int(), 200);
  EXPECT_TRUE(response.chunked());
  EXPECT_EQ(response[http::field::content_type], "audio/wav");
  EXPECT_EQ(response["X-Maestro-Protocol"], "test");
  const std::string& body = response.body();
  ASSERT_GT(body.size(), 44u);
  EXPECT_EQ(body.substr(0, 4), "RIFF");
  // 100 samples per character of the three sentences, back to back after one 44-byte streaming header.
  const size_t characters = std::string("Petrobras trades as PETR4.It is on B3.That is all.").size();
  EXPECT_EQ(body.size(), 44 + characters * 100 * 2);
  auto decoded = audio::DecodeToSpeechPcm(body);  // a real decoder accepts the open-ended header
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->source_rate, 22050);
  const std::string timings(response["X-Maestro-Timings-Ms"]);
  EXPECT_NE(timings.find("first_audio="), std::string::npos) << timings;
  EXPECT_NE(timings.find("first_token="), std::string::npos) << timings;
}

TEST_F(StreamRoutesTest, AssistStreamAsNdjsonCarriesEveryEvent) {
  auto response = PostStream(testing::ToneWav(0.5), "application/x-ndjson");
  ASSERT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_type], "application/x-ndjson");
  std::vector<json> events;
  std::istringstream lines(response.body());
  for (std::string line; std::getline(lines, line);) events.push_back(json::parse(line));
  ASSERT_EQ(events.size(), 1u + 1u + 3u + 1u);  // transcript, one piece (unary model), three sentences, done
  EXPECT_EQ(events[0]["type"], "transcript");
  EXPECT_EQ(events[1]["type"], "token");
  for (int i = 2; i < 5; ++i) {
    EXPECT_EQ(events[i]["type"], "audio");
    EXPECT_EQ(events[i]["index"], i - 2);
    EXPECT_GT(events[i]["wav_base64"].get<std::string>().size(), 100u);
  }
  EXPECT_EQ(events[2]["text"], "Petrobras trades as PETR4.");
  const json& done = events[5];
  EXPECT_EQ(done["type"], "done");
  EXPECT_EQ(done["sources"], json::array({"instruments"}));
  EXPECT_EQ(done["chunks"], 3);
  EXPECT_GT(done["timings_ms"]["first_audio"].get<double>(), 0);
  EXPECT_LE(done["timings_ms"]["first_audio"].get<double>(), done["timings_ms"]["total"].get<double>());
}

TEST_F(StreamRoutesTest, AssistStreamRefusesBadUploadsLikeAssist) {
  auto response = PostStream("not audio at all");
  EXPECT_EQ(response.result_int(), 415);
  EXPECT_FALSE(response.chunked());
  EXPECT_EQ(json::parse(response.body())["code"], "unsupported_media");
  EXPECT_EQ(stt_.calls.load(), 0);
}

TEST_F(StreamRoutesTest, WithKeysStreamsNeedABearerKeyAndThePageDoesNot) {
  testing::TempDir dir;
  const std::string file = (dir.path() / "keys").string();
  const std::string key = ApiKeys::Add(file, "alice").value();
  AssistServerOptions options;
  options.api_keys = ApiKeys::Load(file).value();
  Start(options);

  auto refused = PostStream(testing::ToneWav(0.5));
  EXPECT_EQ(refused.result_int(), 401);
  EXPECT_EQ(json::parse(refused.body())["code"], "unauthenticated");
  EXPECT_THROW(OpenWebSocket(), boost::system::system_error);
  EXPECT_EQ(stt_.calls.load(), 0);

  auto page = Connect();
  http::request<http::empty_body> get{http::verb::get, "/", 11};
  get.set(http::field::host, "localhost");
  http::write(page, get);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(page, buffer, response);
  EXPECT_EQ(response.result_int(), 200);

  auto ws = std::make_unique<websocket::stream<tcp::socket>>(Connect());
  ws->set_option(websocket::stream_base::decorator(
      [&key](websocket::request_type& request) { request.set(http::field::authorization, "Bearer " + key); }));
  ws->handshake("localhost", "/ws");
  EXPECT_TRUE(ws->is_open());
}

TEST_F(StreamRoutesTest, ServesTheVoicePageOffline) {
  auto socket = Connect();
  for (const char* path : {"/", "/app.js", "/capture.js", "/style.css"}) {
    http::request<http::empty_body> request{http::verb::get, path, 11};
    request.set(http::field::host, "localhost");
    http::write(socket, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    EXPECT_EQ(response.result_int(), 200) << path;
    EXPECT_GT(response.body().size(), 100u) << path;
    // Offline: the page loads nothing from another origin.
    EXPECT_EQ(response.body().find("https://"), std::string::npos) << path;
    EXPECT_NE(response["Content-Security-Policy"].find("default-src 'self'"), std::string::npos);
  }
}

TEST_F(StreamRoutesTest, WebSocketAnswersATypedQuestionWithTokensAudioAndTimings) {
  auto ws = OpenWebSocket();
  auto ready = ReadUntil(*ws, "ready");
  EXPECT_EQ(ready.back()["protocol"], "test");
  EXPECT_EQ(ready.back()["sample_rate"], 16000);
  ws->text(true);
  ws->write(asio::buffer(std::string(R"({"type":"ask","text":"what is PETR4"})")));
  auto events = ReadUntil(*ws, "done");
  int audio = 0;
  int wavs = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].contains("binary")) {
      EXPECT_TRUE(events[i]["riff"].get<bool>());
      ASSERT_GT(i, 0u);
      EXPECT_EQ(events[i - 1]["type"], "audio");  // each WAV is announced by the event before it
      EXPECT_EQ(events[i - 1]["bytes"], events[i]["binary"]);
      ++wavs;
    } else if (events[i]["type"] == "audio") {
      ++audio;
    }
  }
  EXPECT_EQ(events.front()["type"], "utterance");
  EXPECT_EQ(audio, 3);
  EXPECT_EQ(wavs, 3);
  EXPECT_EQ(events.back()["turn"], 1);
  EXPECT_EQ(events.back()["answer"], "Petrobras trades as PETR4. It is on B3. That is all.");
  ws->close(websocket::close_code::normal);
}

// The spoken question with 0.5 s of silence before it and 1 s after, as 16 kHz PCM.
std::vector<int16_t> SpokenQuestion(double* seconds) {
  auto tts = espeak::CreateTextToSpeech({});
  auto speech = SynthesizeBlocking(**tts, {.text = "What is the ticker symbol of Petrobras?"}, Deadline::Never());
  auto pcm = audio::DecodeToSpeechPcm(speech->wav);
  EXPECT_TRUE(pcm.ok()) << pcm.status().ToString();
  if (!pcm.ok()) return {};
  *seconds = pcm->seconds();
  std::vector<int16_t> microphone(8000, 0);
  microphone.insert(microphone.end(), pcm->samples.begin(), pcm->samples.end());
  microphone.resize(microphone.size() + 16000, 0);
  return microphone;
}

void SendAsMicrophone(websocket::stream<tcp::socket>& ws, const std::vector<int16_t>& microphone) {
  ws.binary(true);
  for (size_t i = 0; i < microphone.size(); i += 320) {  // 20 ms messages, as the page sends them
    const size_t n = std::min<size_t>(320, microphone.size() - i);
    ws.write(asio::buffer(microphone.data() + i, n * 2));
  }
}

TEST_F(StreamRoutesTest, WebSocketFindsTheEndOfSpokenQuestionsByVoiceActivity) {
  server_.reset();
  Start({.streaming = {.partial_every = 0ms}});
  double seconds = 0;
  auto microphone = SpokenQuestion(&seconds);
  ASSERT_FALSE(microphone.empty());

  auto ws = OpenWebSocket();
  ReadUntil(*ws, "ready");
  SendAsMicrophone(*ws, microphone);
  auto events = ReadUntil(*ws, "done");
  std::vector<std::string> types;
  for (const auto& e : events) {
    if (e.contains("type")) types.push_back(e["type"]);
  }
  ASSERT_GE(types.size(), 4u);
  EXPECT_EQ(types[0], "speech");
  EXPECT_EQ(events[0]["state"], "started");
  EXPECT_EQ(types[1], "speech");
  EXPECT_EQ(events[1]["state"], "ended");
  EXPECT_EQ(types[2], "utterance");
  // The utterance is the spoken question, not the silence around it.
  EXPECT_NEAR(events[2]["seconds"].get<double>(), seconds, 0.6);
  EXPECT_EQ(types[3], "transcript");
  EXPECT_EQ(events.back()["type"], "done");
  EXPECT_EQ(stt_.calls.load(), 1);
}

TEST_F(StreamRoutesTest, WebSocketSendsPartialTranscriptsWhileTheQuestionIsSpoken) {
  server_.reset();
  Start({.streaming = {.partial_every = 500ms}});
  double seconds = 0;
  auto microphone = SpokenQuestion(&seconds);
  ASSERT_GT(seconds, 1.5);

  auto ws = OpenWebSocket();
  ReadUntil(*ws, "ready");
  SendAsMicrophone(*ws, microphone);
  auto events = ReadUntil(*ws, "done");
  int partials = 0;
  bool final_seen = false;
  for (const auto& e : events) {
    if (!e.contains("type") || e["type"] != "transcript") continue;
    EXPECT_EQ(e["turn"], 1) << e.dump();
    EXPECT_EQ(e["text"], "what is the ticker symbol of petrobras");
    if (e["final"].get<bool>()) {
      final_seen = true;
    } else {
      EXPECT_FALSE(final_seen) << "a partial transcript came after the final one";
      ++partials;
    }
  }
  EXPECT_TRUE(final_seen);
  // At most one partial per 0.5 s of speech (the pre-roll counts), and the STT heard each of them.
  EXPECT_GE(partials, 1);
  EXPECT_LE(partials, static_cast<int>((seconds + 0.3) / 0.5) + 1);
  EXPECT_GE(stt_.calls.load(), partials + 1);
}

TEST_F(StreamRoutesTest, WebSocketEnforcesFrameSizeOddBytesAndBadCommands) {
  auto ws = OpenWebSocket();
  ReadUntil(*ws, "ready");
  ws->binary(true);
  ws->write(asio::buffer(std::string(3, '\0')));
  EXPECT_EQ(ReadUntil(*ws, "error").back()["code"], "invalid_argument");
  ws->text(true);
  ws->write(asio::buffer(std::string("{nonsense")));
  EXPECT_EQ(ReadUntil(*ws, "error").back()["code"], "invalid_argument");
  ws->binary(true);
  ws->write(asio::buffer(std::string(65 * 1024, '\0')));  // above the 64 KiB frame limit
  beast::flat_buffer buffer;
  beast::error_code ec;
  ws->read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws->reason().code, websocket::close_code::too_big);
}

TEST_F(StreamRoutesTest, WebSocketSessionsAreLimitedAndIdleOnesClosed) {
  server_.reset();
  AssistServerOptions options;
  options.streaming.max_sessions = 2;
  options.streaming.idle_timeout = 300ms;
  Start(options);
  auto first = OpenWebSocket();
  auto second = OpenWebSocket();
  ReadUntil(*first, "ready");
  auto third = std::make_unique<websocket::stream<tcp::socket>>(Connect());
  beast::error_code ec;
  third->handshake("localhost", "/ws", ec);
  EXPECT_EQ(ec, websocket::error::upgrade_declined);

  auto idle = ReadUntil(*first, "error");
  EXPECT_EQ(idle.back()["code"], "deadline_exceeded");
  beast::flat_buffer buffer;
  first->read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(first->reason().code, websocket::close_code::policy_error);
}

TEST_F(StreamRoutesTest, ANewQuestionCancelsTheAnswerInProgress) {
  llm_.delay = 300ms;
  auto ws = OpenWebSocket();
  ReadUntil(*ws, "ready");
  ws->text(true);
  ws->write(asio::buffer(std::string(R"({"type":"ask","text":"first"})")));
  ws->write(asio::buffer(std::string(R"({"type":"ask","text":"second"})")));
  std::map<int, json> done;
  std::vector<json> events;
  while (done.size() < 2) {
    auto more = ReadUntil(*ws, "done");
    events.insert(events.end(), more.begin(), more.end());
    done[more.back()["turn"].get<int>()] = more.back();
  }
  // The first turn ends cancelled, none of its speech sent; the second answers in full.
  EXPECT_TRUE(done[1]["cancelled"].get<bool>());
  EXPECT_FALSE(done[2]["cancelled"].get<bool>());
  EXPECT_EQ(done[2]["chunks"], 3);
  int second_audio = 0;
  for (const auto& e : events) {
    if (!e.contains("type") || e["type"] != "audio") continue;
    EXPECT_EQ(e["turn"], 2) << e.dump();
    ++second_audio;
  }
  EXPECT_EQ(second_audio, 3);
}

}  // namespace
}  // namespace maestro
