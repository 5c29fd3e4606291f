// ResponseParser: an HTTP/1.1 response parser (Beast's basic_parser) that keeps only what the load generator
// judges a response by (status, Content-Type, body size, keep-alive) and discards the body bytes as they arrive,
// so no response body is ever buffered whatever its size.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace maestro::bench {

class ResponseParser : public boost::beast::http::basic_parser<false> {
 public:
  // `max_body_bytes`: responses with a larger body fail with an error; `max_header_bytes`: maximum header bytes.
  ResponseParser(uint64_t max_body_bytes, uint32_t max_header_bytes);

  int status() const { return status_; }
  const std::string& content_type() const { return content_type_; }
  uint64_t body_bytes() const { return body_bytes_; }

 private:
  void on_request_impl(boost::beast::http::verb, boost::beast::string_view, boost::beast::string_view, int,
                       boost::beast::error_code&) override {}
  void on_response_impl(int code, boost::beast::string_view, int, boost::beast::error_code&) override;
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view, boost::beast::string_view value,
                     boost::beast::error_code&) override;
  void on_header_impl(boost::beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<uint64_t>&, boost::beast::error_code&) override {}
  size_t on_body_impl(boost::beast::string_view body, boost::beast::error_code&) override;
  void on_chunk_header_impl(uint64_t, boost::beast::string_view, boost::beast::error_code&) override {}
  size_t on_chunk_body_impl(uint64_t, boost::beast::string_view body, boost::beast::error_code&) override;
  void on_finish_impl(boost::beast::error_code&) override {}

  int status_ = 0;
  std::string content_type_;
  uint64_t body_bytes_ = 0;
};

}  // namespace maestro::bench
