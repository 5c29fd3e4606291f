#include "net/string_body.h"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <random>
#include <string>
#include <vector>

namespace maestro::net {
namespace {

namespace http = boost::beast::http;

struct Parsed {
  bool done = false;
  std::string error;
  std::string body;
  const char* first_body_byte = nullptr;  // where the body's storage was after the first piece
  const char* last_body_byte = nullptr;   // and after the last
};

// Feeds `wire` to a request parser in pieces of the given sizes (cycled), as socket reads would.
template <class Body>
Parsed Feed(const std::string& wire, const std::vector<size_t>& pieces, uint64_t body_limit = 1 << 20) {
  http::request_parser<Body> parser;
  parser.body_limit(body_limit);
  parser.eager(true);
  Parsed parsed;
  size_t offset = 0, arrived = 0, piece = 0;
  while (!parser.is_done()) {
    if (offset == arrived) {
      if (arrived == wire.size()) break;
      arrived = std::min(wire.size(), arrived + pieces[piece++ % pieces.size()]);
    }
    boost::beast::error_code ec;
    offset += parser.put(boost::asio::buffer(wire.data() + offset, arrived - offset), ec);
    if (ec == http::error::need_more) {
      if (arrived == wire.size()) break;
      arrived = std::min(wire.size(), arrived + pieces[piece++ % pieces.size()]);
      continue;
    }
    if (ec) {
      parsed.error = ec.message();
      return parsed;
    }
    if (parsed.first_body_byte == nullptr && !parser.get().body().empty()) {
      parsed.first_body_byte = parser.get().body().data();
    }
  }
  parsed.done = parser.is_done();
  parsed.last_body_byte = parser.get().body().data();
  parsed.body = parser.get().body();
  return parsed;
}

std::string Patterned(size_t size, uint32_t seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random());
  return bytes;
}

std::string WithLength(const std::string& body) {
  return "POST /transcribe HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(StringBodyTest, ABodyInManyPiecesArrivesWholeIntoOneReservedString) {
  const std::string body = Patterned(300000, 7);
  Parsed parsed = Feed<StringBody>(WithLength(body), {1, 7, 4096, 65536, 13});
  ASSERT_TRUE(parsed.done) << parsed.error;
  EXPECT_EQ(parsed.body, body);
  // The declared length was reserved up front, so the string never moved while it filled.
  EXPECT_EQ(parsed.first_body_byte, parsed.last_body_byte);
  http::request_parser<StringBody> parser;
  boost::beast::error_code ec;
  const std::string wire = WithLength(body);
  parser.body_limit(1 << 20);
  parser.eager(true);
  const size_t header_and_ten = wire.size() - body.size() + 10;
  EXPECT_EQ(parser.put(boost::asio::buffer(wire.data(), header_and_ten), ec), header_and_ten);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(parser.get().body(), body.substr(0, 10));
  EXPECT_GE(parser.get().body().capacity(), body.size());
}

TEST(StringBodyTest, AgreesWithBeastsStringBodyOnChunkedAndSplitBodies) {
  const std::string a = Patterned(5000, 1), b = Patterned(70000, 2);
  std::string chunked = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (const std::string* chunk : {&a, &b}) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk->size());
    chunked += size + *chunk + "\r\n";
  }
  chunked += "0\r\n\r\n";
  for (const std::string& wire : {chunked, WithLength(a + b), WithLength("")}) {
    for (const std::vector<size_t>& pieces : std::vector<std::vector<size_t>>{{1}, {3, 1000}, {1 << 20}}) {
      Parsed ours = Feed<StringBody>(wire, pieces);
      Parsed beasts = Feed<http::string_body>(wire, pieces);
      ASSERT_TRUE(ours.done) << ours.error;
      ASSERT_TRUE(beasts.done) << beasts.error;
      EXPECT_EQ(ours.body, beasts.body);
    }
  }
  EXPECT_EQ(Feed<StringBody>(chunked, {17}).body, a + b);
}

TEST(StringBodyTest, ABodyOverTheLimitIsRefusedAsBeastsIs) {
  const std::string wire = WithLength(Patterned(2000, 3));
  Parsed ours = Feed<StringBody>(wire, {100}, 1000);
  EXPECT_FALSE(ours.done);
  EXPECT_EQ(ours.error, Feed<http::string_body>(wire, {100}, 1000).error);
  EXPECT_FALSE(ours.error.empty());
}

TEST(StringBodyTest, WritesWhatItHolds) {
  http::response<StringBody> response{http::status::ok, 11};
  response.body() = Patterned(100000, 4);
  response.prepare_payload();
  std::string wire;
  http::response_serializer<StringBody> serializer(response);
  boost::beast::error_code ec;
  while (!serializer.is_done()) {
    serializer.next(ec, [&](boost::beast::error_code&, const auto& buffers) {
      for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
        wire.append(static_cast<const char*>(buffer.data()), buffer.size());
      }
      serializer.consume(boost::beast::buffer_bytes(buffers));
    });
    ASSERT_FALSE(ec) << ec.message();
  }
  EXPECT_EQ(wire.substr(wire.size() - response.body().size()), response.body());
  EXPECT_NE(wire.find("Content-Length: 100000\r\n"), std::string::npos);
}

}  // namespace
}  // namespace maestro::net
