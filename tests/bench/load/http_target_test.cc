#include "bench/load/http_target.h"

#include <gtest/gtest.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "bench/load/load_config.h"

namespace maestro::bench {
namespace {

namespace http = boost::beast::http;

// Parses serialised bytes with Beast's full request parser, an implementation independent of SerializeRequest.
http::request<http::string_body> Parse(const std::string& bytes) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(1 << 20);
  parser.eager(true);
  boost::beast::error_code ec;
  const size_t used = parser.put(boost::asio::buffer(bytes), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(parser.is_done());
  EXPECT_EQ(used, bytes.size());
  return parser.release();
}

TEST(HttpTargetTest, MultipartBodyCarriesTheFileUnderTheField) {
  LoadConfig c;
  c.url = "http://127.0.0.1:8080/assist";
  c.body = std::string("RIFF\0\0--fake wav", 16);
  c.body_file_name = "/data/question.wav";
  c.multipart_field = "file";
  c.headers = {{"X-Run", "7"}};
  auto target = ParseHttpUrl(c.url);
  ASSERT_TRUE(target.ok());
  auto request = Parse(SerializeRequest(c, *target));
  EXPECT_EQ(request.method(), http::verb::post);
  EXPECT_EQ(request.target(), "/assist");
  EXPECT_EQ(request[http::field::host], "127.0.0.1:8080");
  EXPECT_EQ(request["X-Run"], "7");
  EXPECT_TRUE(request.keep_alive());
  const std::string type(request[http::field::content_type]);
  ASSERT_EQ(type.rfind("multipart/form-data; boundary=", 0), 0u) << type;
  const std::string boundary = type.substr(type.find('=') + 1);
  const std::string& body = request.body();
  EXPECT_NE(body.find("name=\"file\"; filename=\"question.wav\""), std::string::npos);
  EXPECT_NE(body.find("Content-Type: audio/wav"), std::string::npos);
  EXPECT_NE(body.find(c.body), std::string::npos);
  EXPECT_EQ(body.substr(body.size() - boundary.size() - 6), "--" + boundary + "--\r\n");
}

TEST(HttpTargetTest, BoundaryNeverOccursInTheBody) {
  LoadConfig c;
  c.url = "http://h/";
  c.body = "maestro-load-boundary-6b1f3c9e and maestro-load-boundary-6b1f3c9ex";
  auto request = Parse(SerializeRequest(c, ParseHttpUrl(c.url).value()));
  const std::string type(request[http::field::content_type]);
  const std::string boundary = type.substr(type.find('=') + 1);
  EXPECT_EQ(c.body.find(boundary), std::string::npos);
}

TEST(HttpTargetTest, RawBodyAndBodylessRequests) {
  LoadConfig c;
  c.url = "http://h:81/x";
  c.body = "{\"q\":1}";
  c.content_type = "application/json";
  auto raw = Parse(SerializeRequest(c, ParseHttpUrl(c.url).value()));
  EXPECT_EQ(raw.body(), c.body);
  EXPECT_EQ(raw[http::field::content_type], "application/json");
  c.body.clear();
  c.content_type.clear();
  c.method = "GET";
  auto get = Parse(SerializeRequest(c, ParseHttpUrl(c.url).value()));
  EXPECT_EQ(get.method(), http::verb::get);
  EXPECT_TRUE(get.body().empty());
}

TEST(LoadConfigTest, DurationsParse) {
  EXPECT_EQ(ParseDuration("10s").value(), std::chrono::seconds(10));
  EXPECT_EQ(ParseDuration("250ms").value(), std::chrono::milliseconds(250));
  EXPECT_EQ(ParseDuration("1.5").value(), std::chrono::milliseconds(1500));
  EXPECT_EQ(ParseDuration("2m").value(), std::chrono::minutes(2));
  EXPECT_EQ(ParseDuration("500us").value(), std::chrono::microseconds(500));
  for (const char* bad : {"", "s", "10x", "-1s", "1e30h", "nan"}) {
    EXPECT_EQ(ParseDuration(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(LoadConfigTest, ValidationNamesTheFieldOutOfLimits) {
  LoadConfig ok;
  ok.url = "http://h/";
  EXPECT_TRUE(ValidateLoadConfig(ok).ok());
  auto expect_invalid = [](LoadConfig c, const char* what) {
    Status s = ValidateLoadConfig(c);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << what;
    EXPECT_NE(s.message().find(what), std::string::npos) << s.message();
  };
  LoadConfig c = ok;
  c.vus = 0;
  expect_invalid(c, "vus");
  c = ok;
  c.mode = LoadMode::kOpen;
  expect_invalid(c, "rate");
  c.rate = 100;
  c.max_outstanding = 0;
  expect_invalid(c, "max-outstanding");
  c = ok;
  c.timeout = std::chrono::nanoseconds(0);
  expect_invalid(c, "timeout");
  c = ok;
  c.headers = {{"X-A", "v\r\nInjected: 1"}};
  expect_invalid(c, "header");
  c = ok;
  c.threads = 0;
  expect_invalid(c, "threads");
}

}  // namespace
}  // namespace maestro::bench
