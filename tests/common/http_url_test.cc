#include "common/http_url.h"

#include <gtest/gtest.h>

namespace maestro {
namespace {

TEST(HttpUrlTest, ParsesHostPortAndPath) {
  auto t = ParseHttpUrl("http://127.0.0.1:8080/assist?x=1");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 8080);
  EXPECT_EQ(t->target, "/assist?x=1");
  auto bare = ParseHttpUrl("http://localhost");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->port, 80);
  EXPECT_EQ(bare->target, "/");
  auto v6 = ParseHttpUrl("http://[::1]:9000/a");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9000);
}

TEST(HttpUrlTest, ParsesHttps) {
  auto secure = ParseHttpUrl("https://localhost/assist");
  ASSERT_TRUE(secure.ok());
  EXPECT_TRUE(secure->https);
  EXPECT_EQ(secure->port, 443);
  EXPECT_EQ(secure->host, "localhost");
  auto with_port = ParseHttpUrl("https://127.0.0.1:7000");
  ASSERT_TRUE(with_port.ok());
  EXPECT_TRUE(with_port->https);
  EXPECT_EQ(with_port->port, 7000);
  EXPECT_FALSE(ParseHttpUrl("http://127.0.0.1:7000")->https);
}

TEST(HttpUrlTest, RejectsUnsupportedOrMalformedUrls) {
  for (const char* url : {"httpx://h/", "ftp://h", "http://", "http://h:0/", "http://h:70000/", "http://h:x/",
                          "http://u@h/", "http://h/a b", "http://[::1/"}) {
    EXPECT_EQ(ParseHttpUrl(url).status().code(), StatusCode::kInvalidArgument) << url;
  }
}

}  // namespace
}  // namespace maestro
