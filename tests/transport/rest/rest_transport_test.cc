#include "transport/rest/rest_transport.h"

#include <gtest/gtest.h>

#include "domain/blocking.h"
#include "engines/emulated/emulated_engines.h"
#include "net/admin_routes.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "net/multipart.h"
#include "tests/transport/transport_conformance.h"
#include "transport/rest/generate_stream.h"

namespace maestro::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Rest, TransportConformanceTest,
                         ::testing::Values(TransportCase{"rest", "rest", TransportOptions{}}), CaseName);
INSTANTIATE_TEST_SUITE_P(Rest, WireConformanceTest,
                         ::testing::Values(TransportCase{"rest", "rest", TransportOptions{}}), CaseName);

}  // namespace
}  // namespace maestro::testing

namespace maestro::rest {
namespace {

// What only the REST surface has: JSON bodies, routes, multipart uploads and the deadline header.
class RestTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    transport_ = CreateTransport(TransportOptions{});
    stt_engine_ = std::move(emulated::CreateSpeechToText({}).value());
    llm_engine_ = std::move(emulated::CreateLanguageModel({{"words", "12"}}).value());
  }

  std::unique_ptr<Transport> transport_;
  std::unique_ptr<SpeechToText> stt_engine_;
  std::unique_ptr<LanguageModel> llm_engine_;
};

// Sends one POST with raw bytes, bypassing the REST client.
net::HttpResponse Send(uint16_t port, const char* target, std::string content_type, std::string body,
                       const char* deadline_header = nullptr, const char* accept = nullptr) {
  net::HttpClient client("127.0.0.1", port);
  net::HttpRequest request{net::http::verb::post, target, 11};
  request.set(net::http::field::content_type, content_type);
  if (accept != nullptr) request.set(net::http::field::accept, accept);
  if (deadline_header != nullptr) request.set(net::kDeadlineHeader, deadline_header);
  request.body() = std::move(body);
  return client.SendBlocking(std::move(request), Deadline::In(std::chrono::seconds(5))).value();
}

TEST_F(RestTransportTest, BadRequestsGetTypedJsonErrors) {
  auto stt_server = transport_->ServeStt(*stt_engine_, "127.0.0.1", 0).value();
  auto llm_server = transport_->ServeLlm(*llm_engine_, "127.0.0.1", 0).value();
  auto no_json = Send(llm_server->port(), "/generate", "application/json", "{not json");
  EXPECT_EQ(no_json.result_int(), 400);
  EXPECT_NE(no_json.body().find("\"code\":\"invalid_argument\""), std::string::npos);
  EXPECT_EQ(Send(llm_server->port(), "/generate", "application/json", R"({"prompt": 5})").result_int(), 400);
  EXPECT_EQ(Send(llm_server->port(), "/generate", "application/json", R"({"prompt":"x","top_k":"a"})").result_int(),
            400);
  EXPECT_EQ(Send(llm_server->port(), "/nowhere", "application/json", "{}").result_int(), 404);
  EXPECT_EQ(Send(stt_server->port(), "/transcribe", "text/plain", "abc").result_int(), 400);
  std::string content_type;
  std::string body = net::BuildMultipartFile("other", "a.wav", "audio/wav", "RIFF", content_type);
  EXPECT_EQ(Send(stt_server->port(), "/transcribe", content_type, body).result_int(), 400);
}

TEST_F(RestTransportTest, MalformedDeadlineHeaderIsRejected) {
  auto llm_server = transport_->ServeLlm(*llm_engine_, "127.0.0.1", 0).value();
  const std::string body = R"({"prompt":"x"})";
  for (const char* bad : {"soon", "12abc", "", "99999999999999999999999"}) {
    auto response = Send(llm_server->port(), "/generate", "application/json", body, bad);
    EXPECT_EQ(response.result_int(), 400) << "'" << bad << "'";
    EXPECT_NE(response.body().find("X-Maestro-Deadline-Ms"), std::string::npos) << response.body();
  }
  EXPECT_EQ(Send(llm_server->port(), "/generate", "application/json", body, "0").result_int(), 504);
  EXPECT_EQ(Send(llm_server->port(), "/generate", "application/json", body, "5000").result_int(), 200);
}

TEST_F(RestTransportTest, StreamedGenerateAnswersNdjsonAndTypedErrorsBeforeTheFirstPiece) {
  auto llm_server = transport_->ServeLlm(*llm_engine_, "127.0.0.1", 0).value();
  const uint16_t port = llm_server->port();
  auto streamed = Send(port, "/generate", "application/json", R"({"prompt":"x"})", nullptr, kNdjson);
  EXPECT_EQ(streamed.result_int(), 200);
  EXPECT_EQ(streamed[net::http::field::content_type], kNdjson);
  EXPECT_TRUE(streamed.chunked());
  const std::string& body = streamed.body();
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(body.back(), '\n');
  EXPECT_NE(body.find(R"({"done":true,"language":"en","sources":["emulated"]})"), std::string::npos) << body;

  auto bad_json = Send(port, "/generate", "application/json", "{not json", nullptr, kNdjson);
  EXPECT_EQ(bad_json.result_int(), 400);
  EXPECT_NE(bad_json.body().find("\"code\":\"invalid_argument\""), std::string::npos);
  EXPECT_EQ(Send(port, "/generate", "application/json", R"({"prompt":"x"})", "soon", kNdjson).result_int(), 400);
  EXPECT_EQ(Send(port, "/generate", "application/json", R"({"prompt":"x"})", "0", kNdjson).result_int(), 504);
  EXPECT_EQ(Send(port, "/generate", "application/json", R"({"prompt":""})", nullptr, kNdjson).result_int(), 400);
  // The unary route is unchanged for clients that do not ask for the stream.
  auto unary = Send(port, "/generate", "application/json", R"({"prompt":"x"})");
  EXPECT_EQ(unary.result_int(), 200);
  EXPECT_NE(unary.body().find("\"generated\""), std::string::npos);
}

// A server that ignores Accept (the thesis's REST LLM answers one JSON reply): the streaming client takes the
// whole answer as one piece.
TEST_F(RestTransportTest, StreamingClientFallsBackToAServerThatDoesNotStream) {
  net::HttpServerOptions options;
  auto server = net::HttpServer::Start(options, [](net::HttpRequest&&, const net::Respond& respond) {
                  respond(net::JsonResponse(R"({"generated":"one whole answer","language":"en","sources":["s"]})"));
                }).value();
  auto llm = transport_->ConnectLlm("127.0.0.1:" + std::to_string(server->port())).value();
  auto record = testing::StreamBlocking(*llm, {.prompt = "x"}, Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(record.outcome->ok()) << record.outcome->status().ToString();
  EXPECT_EQ(record.pieces, std::vector<std::string>{"one whole answer"});
  EXPECT_EQ(record.outcome->value().sources, std::vector<std::string>{"s"});
}

// Lines that are not the protocol's end the call with kUpstreamError, not a crash or a hang.
TEST_F(RestTransportTest, MalformedStreamLinesAreUpstreamErrors) {
  for (const std::string& stream : {std::string("{\"piece\":\"a\"}\nnot json\n"), std::string("{\"piece\":\"a\"}\n"),
                                    std::string("{\"piece\":5}\n"), std::string("{\"what\":1}\n"),
                                    std::string("{\"done\":true}\n{\"piece\":\"late\"}\n")}) {
    net::HttpServerOptions options;
    auto server = net::HttpServer::Start(options, [stream](net::HttpRequest&&, const net::Respond& respond) {
                    net::HttpResponse response{net::http::status::ok, 11};
                    response.set(net::http::field::content_type, kNdjson);
                    response.body() = stream;
                    respond(std::move(response));
                  }).value();
    auto llm = transport_->ConnectLlm("127.0.0.1:" + std::to_string(server->port())).value();
    auto record = testing::StreamBlocking(*llm, {.prompt = "x"}, Deadline::In(std::chrono::seconds(5)));
    EXPECT_EQ(record.outcome->status().code(), StatusCode::kUpstreamError) << stream;
  }
}

}  // namespace
}  // namespace maestro::rest
