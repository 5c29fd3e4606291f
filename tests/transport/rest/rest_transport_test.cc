#include "transport/rest/rest_transport.h"

#include <gtest/gtest.h>

#include "domain/blocking.h"
#include "engines/emulated/emulated_engines.h"
#include "net/http_client.h"
#include "net/multipart.h"
#include "tests/transport/transport_conformance.h"

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
                       const char* deadline_header = nullptr) {
  net::HttpClient client("127.0.0.1", port);
  net::HttpRequest request{net::http::verb::post, target, 11};
  request.set(net::http::field::content_type, content_type);
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

}  // namespace
}  // namespace maestro::rest
