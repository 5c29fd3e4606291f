// 200 WebSocket voice sessions at once on the emulated engines: every one is answered, none fails, and the
// server starts no thread for them (sessions are coroutines on the event loops).
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engines/emulated/emulated_engines.h"
#include "orchestrator/assist_server.h"

namespace maestro {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

size_t ThreadsInProcess() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

TEST(VoiceSessionsTest, TwoHundredConcurrentSessionsAreAnsweredWithoutAThreadEach) {
  constexpr int kSessions = 200;
  auto stt = std::move(emulated::CreateSpeechToText({{"service_ms", "20"}}).value());
  auto llm = std::move(emulated::CreateLanguageModel({{"service_ms", "50"}}).value());
  auto tts = std::move(emulated::CreateTextToSpeech({{"service_ms", "20"}, {"seconds", "1"}}).value());
  Pipeline pipeline(*stt, *llm, *tts, {});
  StreamingPipeline streaming(*stt, *llm, *tts, {});
  AssistServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.timeout = std::chrono::milliseconds(60000);
  options.streaming.max_sessions = kSessions;
  auto server = std::move(AssistServer::Start(pipeline, options, &streaming).value());

  const size_t threads_before = ThreadsInProcess();
  asio::io_context io;
  std::vector<std::unique_ptr<websocket::stream<tcp::socket>>> sessions;
  for (int i = 0; i < kSessions; ++i) {
    auto ws = std::make_unique<websocket::stream<tcp::socket>>(io);
    ws->next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server->port()));
    ws->handshake("localhost", "/ws");
    sessions.push_back(std::move(ws));
  }
  EXPECT_LT(ThreadsInProcess(), threads_before + 16);
  // Every session speaks a little (20 ms of silence, through the voice detector) and asks a question.
  const std::vector<int16_t> frame(320, 0);
  for (auto& ws : sessions) {
    ws->binary(true);
    ws->write(asio::buffer(frame.data(), frame.size() * 2));
    ws->text(true);
    ws->write(asio::buffer(std::string(R"({"type":"ask","text":"what is the ticker symbol of petrobras"})")));
  }
  int answered = 0;
  int errors = 0;
  size_t audio_bytes = 0;
  for (auto& ws : sessions) {
    for (;;) {
      beast::flat_buffer buffer;
      ws->read(buffer);
      if (ws->got_binary()) {
        audio_bytes += buffer.size();
        continue;
      }
      auto event = json::parse(beast::buffers_to_string(buffer.data()));
      if (event["type"] == "error") ++errors;
      if (event["type"] == "done") {
        ++answered;
        break;
      }
    }
  }
  EXPECT_EQ(answered, kSessions);
  EXPECT_EQ(errors, 0);
  EXPECT_GT(audio_bytes, static_cast<size_t>(kSessions) * 1000);
  // The engines' pools may grow a little under load, but by nowhere near one thread per session.
  EXPECT_LT(ThreadsInProcess(), threads_before + 16);
  for (auto& ws : sessions) ws->close(websocket::close_code::normal);
}

}  // namespace
}  // namespace maestro
