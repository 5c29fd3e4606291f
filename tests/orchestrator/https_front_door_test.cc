// Maestro's front door over HTTPS: the routes that take a connection over (/assist/stream, the WebSocket /ws)
// work on TLS connections, the TLS handshake counts against the header timeout, and a plaintext client is
// refused. Clients are plain Beast/Asio ones trusting only a development CA the test makes.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <nlohmann/json.hpp>

#include "engines/emulated/emulated_engines.h"
#include "orchestrator/assist_server.h"
#include "tests/support/test_support.h"
#include "tls/development_ca.h"

namespace maestro {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class HttpsFrontDoorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tls::WriteDevelopmentCa(dir_.path(), {}).ok());
    stt_ = emulated::CreateSpeechToText({}).value();
    llm_ = emulated::CreateLanguageModel({{"words", "12"}, {"sentence_words", "4"}, {"piece_ms", "1"}}).value();
    tts_ = emulated::CreateTextToSpeech({{"seconds", "0.5"}}).value();
    pipeline_ = std::make_unique<Pipeline>(*stt_, *llm_, *tts_, PipelineOptions{});
    streaming_ = std::make_unique<StreamingPipeline>(*stt_, *llm_, *tts_, StreamingOptions{.protocol = "test"});
    client_context_.load_verify_file((dir_.path() / "ca.crt").string());
    client_context_.set_verify_mode(ssl::verify_peer);
  }

  void Start(AssistServerOptions options = {}) {
    options.port = 0;
    options.streaming.protocol = "test";
    options.tls = {.cert_file = (dir_.path() / "maestro.crt").string(),
                   .key_file = (dir_.path() / "maestro.key").string()};
    auto started = AssistServer::Start(*pipeline_, options, streaming_.get());
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    server_ = std::move(started).value();
  }

  // A TLS connection to the server that verified its certificate for "localhost".
  std::unique_ptr<ssl::stream<tcp::socket>> Connect() {
    auto stream = std::make_unique<ssl::stream<tcp::socket>>(io_, client_context_);
    stream->next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    stream->set_verify_callback(ssl::host_name_verification("localhost"));
    stream->handshake(ssl::stream_base::client);
    return stream;
  }

  int RawConnect() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server_->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    return fd;
  }

  // RETURNS what the server sent on `fd` until it closed it, or nullopt if it is still open after `wait`.
  static std::optional<std::string> ReadUntilClosed(int fd, milliseconds wait) {
    std::string seen;
    const auto until = Clock::now() + wait;
    char buffer[4096];
    while (Clock::now() < until) {
      pollfd probe{fd, POLLIN, 0};
      if (poll(&probe, 1, 10) <= 0) continue;
      const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) return seen;
      seen.append(buffer, static_cast<size_t>(n));
    }
    return std::nullopt;
  }

  testing::TempDir dir_;
  asio::io_context io_;
  ssl::context client_context_{ssl::context::tls_client};
  std::unique_ptr<SpeechToText> stt_;
  std::unique_ptr<LanguageModel> llm_;
  std::unique_ptr<TextToSpeech> tts_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<StreamingPipeline> streaming_;
  std::unique_ptr<AssistServer> server_;
};

TEST_F(HttpsFrontDoorTest, AssistStreamIsServedOverTls) {
  Start();
  auto stream = Connect();
  http::request<http::string_body> request{http::verb::post, "/assist/stream", 11};
  request.set(http::field::host, "localhost");
  request.set(http::field::content_type, "audio/wav");
  request.body() = testing::ToneWav(0.5);
  request.prepare_payload();
  http::write(*stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  beast::error_code ec;
  http::read(*stream, buffer, parser, ec);
  ASSERT_FALSE(ec) << ec.message();
  auto response = parser.release();
  EXPECT_EQ(response.result_int(), 200) << response.body();
  EXPECT_TRUE(response.chunked());
  ASSERT_GT(response.body().size(), 44u);
  EXPECT_EQ(response.body().substr(0, 4), "RIFF");
  EXPECT_NE(std::string(response["X-Maestro-Timings-Ms"]).find("first_audio="), std::string::npos);
}

TEST_F(HttpsFrontDoorTest, WebSocketAnswersOverTlsAndClosesCleanly) {
  Start();
  websocket::stream<ssl::stream<tcp::socket>> ws(std::move(*Connect()));
  ws.handshake("localhost", "/ws");
  auto read_until = [&ws](const std::string& type) {
    std::vector<json> events;
    for (int i = 0; i < 1000; ++i) {
      beast::flat_buffer buffer;
      ws.read(buffer);
      if (ws.got_binary()) continue;
      events.push_back(json::parse(beast::buffers_to_string(buffer.data())));
      if (events.back()["type"] == type) break;
    }
    return events;
  };
  EXPECT_EQ(read_until("ready").back()["type"], "ready");
  ws.text(true);
  ws.write(asio::buffer(std::string(R"({"type":"ask","text":"what is PETR4"})")));
  auto events = read_until("done");
  ASSERT_EQ(events.back()["type"], "done");
  EXPECT_FALSE(events.back()["answer"].get<std::string>().empty());
  beast::error_code ec;
  ws.close(websocket::close_code::normal, ec);  // the server's side tears TLS down (net/websocket_teardown.h)
  EXPECT_FALSE(ec) << ec.message();
}

TEST_F(HttpsFrontDoorTest, TheHandshakeCountsAgainstTheHeaderTimeout) {
  AssistServerOptions options;
  options.header_timeout = milliseconds(400);
  Start(options);
  // A client that opens TCP and never starts the handshake.
  int silent = RawConnect();
  const auto started = Clock::now();
  EXPECT_TRUE(ReadUntilClosed(silent, milliseconds(3000)).has_value()) << "a silent client held the connection";
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - started).count();
  close(silent);
  EXPECT_GE(took, 350);
  EXPECT_LT(took, 2000);
  // A client that completes the handshake and then sends no request is cut at the header timeout too.
  auto quiet = Connect();
  const auto handshaken = Clock::now();
  beast::error_code ec;
  char byte = 0;
  quiet->read_some(asio::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec) << "the server sent data to a client that asked nothing";
  EXPECT_LT(std::chrono::duration_cast<milliseconds>(Clock::now() - handshaken).count(), 2000);
}

TEST_F(HttpsFrontDoorTest, PlaintextHttpGetsNoHttpAnswer) {
  Start();
  int fd = RawConnect();
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
  ASSERT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  auto answer = ReadUntilClosed(fd, milliseconds(3000));
  close(fd);
  ASSERT_TRUE(answer.has_value()) << "the server kept a plaintext connection open";
  EXPECT_EQ(answer->rfind("HTTP/", 0), std::string::npos) << "plaintext was answered in plaintext";
}

TEST_F(HttpsFrontDoorTest, BadCertificateFilesStopTheServerAtStart) {
  AssistServerOptions options;
  options.port = 0;
  options.tls = {.cert_file = (dir_.path() / "maestro.crt").string(), .key_file = (dir_.path() / "stt.key").string()};
  auto started = AssistServer::Start(*pipeline_, options, streaming_.get());
  EXPECT_EQ(started.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace maestro
