// Fuzzes the HTTP response side: the load generator's streaming ResponseParser (bench/load) and the reading of a
// service's JSON error body back into a Status (net/http_types.h), which every REST client does.
// Input: byte 0 sets the chunk size the bytes arrive in, the rest is the stream.
#include <boost/beast/http.hpp>
#include <cstdint>
#include <string_view>

#include "bench/load/response_parser.h"
#include "net/http_types.h"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t chunk = 1 + data[0] % 64;
  std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);

  maestro::bench::ResponseParser streaming(1 << 20, 16 << 10);
  http::response_parser<maestro::net::StringBody> buffered;
  buffered.body_limit(1 << 20);
  for (auto* parser :
       {static_cast<http::basic_parser<false>*>(&streaming), static_cast<http::basic_parser<false>*>(&buffered)}) {
    boost::beast::error_code ec;
    size_t offset = 0, arrived = std::min(stream.size(), chunk);
    while (!parser->is_done()) {
      offset += parser->put(boost::asio::buffer(stream.data() + offset, arrived - offset), ec);
      if (ec && ec != http::error::need_more) break;
      const bool starved = ec == http::error::need_more || offset == arrived;
      ec = {};
      if (starved && !parser->is_done()) {
        if (arrived == stream.size()) {
          parser->put_eof(ec);
          break;
        }
        arrived = std::min(stream.size(), arrived + chunk);
      }
    }
  }
  if (buffered.is_done()) {
    maestro::Status status = maestro::net::StatusFromErrorResponse(buffered.get());
    (void)status;
  }
  return 0;
}
