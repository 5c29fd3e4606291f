#include "bench/load/response_parser.h"

namespace maestro::bench {

namespace http = boost::beast::http;

ResponseParser::ResponseParser(uint64_t max_body_bytes, uint32_t max_header_bytes) {
  body_limit(max_body_bytes);
  header_limit(max_header_bytes);
  eager(true);
}

void ResponseParser::on_response_impl(int code, boost::beast::string_view, int, boost::beast::error_code&) {
  status_ = code;
}

void ResponseParser::on_field_impl(http::field name, boost::beast::string_view, boost::beast::string_view value,
                                   boost::beast::error_code&) {
  if (name == http::field::content_type) content_type_.assign(value.data(), value.size());
}

size_t ResponseParser::on_body_impl(boost::beast::string_view body, boost::beast::error_code&) {
  body_bytes_ += body.size();
  return body.size();
}

size_t ResponseParser::on_chunk_body_impl(uint64_t, boost::beast::string_view body, boost::beast::error_code&) {
  body_bytes_ += body.size();
  return body.size();
}

}  // namespace maestro::bench
