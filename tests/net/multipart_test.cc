#include "net/multipart.h"

#include <gtest/gtest.h>

namespace maestro::net {
namespace {

TEST(MultipartTest, RoundTripsBinaryFile) {
  std::string data("RIFF\0\r\n--x\r\nbinary", 18);
  std::string content_type;
  std::string body = BuildMultipartFile("file", "q.wav", "audio/wav", data, content_type);
  auto parts = ParseMultipart(body, content_type);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "file");
  EXPECT_EQ((*parts)[0].filename, "q.wav");
  EXPECT_EQ((*parts)[0].content_type, "audio/wav");
  EXPECT_EQ((*parts)[0].data, data);
}

TEST(MultipartTest, ParsesWhatCurlSends) {
  std::string body =
      "--------------------------abc123\r\n"
      "Content-Disposition: form-data; name=\"meta\"\r\n\r\nhello\r\n"
      "--------------------------abc123\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"a b.wav\"\r\n"
      "Content-Type: audio/x-wav\r\n\r\nDATA\r\n"
      "--------------------------abc123--\r\n";
  auto parts = ParseMultipart(body, "multipart/form-data; boundary=------------------------abc123");
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].data, "hello");
  EXPECT_EQ((*parts)[1].filename, "a b.wav");
  EXPECT_EQ((*parts)[1].data, "DATA");
}

TEST(MultipartTest, RejectsMalformedBodies) {
  EXPECT_FALSE(ParseMultipart("x", "multipart/form-data").ok());           // no boundary
  EXPECT_FALSE(ParseMultipart("x", "application/json; boundary=a").ok());  // wrong type
  EXPECT_FALSE(ParseMultipart("--a\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nunterminated",
                              "multipart/form-data; boundary=a")
                   .ok());
  EXPECT_FALSE(ParseMultipart("--a\r\nno header end", "multipart/form-data; boundary=a").ok());
  EXPECT_FALSE(ParseMultipart("garbage", "multipart/form-data; boundary=a").ok());
}

}  // namespace
}  // namespace maestro::net
