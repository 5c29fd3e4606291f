// Fuzzes HTTP/1.1 request parsing as Maestro's server does it (net/http_server.cc: Beast's request parser with
// the server's header and body limits), then the request handling that reads untrusted fields: the upload's
// multipart body and the /ask JSON. Input: byte 0 sets the chunk size the bytes arrive in, the rest is the stream.
#include <boost/beast/http.hpp>
#include <cstdint>
#include <string_view>

#include "net/http_server_options.h"
#include "net/multipart.h"
#include "net/string_body.h"
#include "orchestrator/ask_body.h"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t chunk = 1 + data[0] % 64;
  std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  const maestro::net::HttpServerOptions limits;
  // Keep-alive: several requests may follow one another on one connection.
  for (int request_index = 0; request_index < 4 && !stream.empty(); ++request_index) {
    http::request_parser<maestro::net::StringBody> parser;
    parser.body_limit(1 << 20);
    parser.header_limit(static_cast<uint32_t>(limits.header_limit));
    parser.eager(true);
    boost::beast::error_code ec;
    // As a socket read would: bytes arrive `chunk` at a time, and the parser sees all it has not consumed yet.
    size_t offset = 0, arrived = std::min(stream.size(), chunk);
    while (!parser.is_done()) {
      offset += parser.put(boost::asio::buffer(stream.data() + offset, arrived - offset), ec);
      if (ec && ec != http::error::need_more) break;
      const bool starved = ec == http::error::need_more || offset == arrived;
      ec = {};
      if (starved && !parser.is_done()) {
        if (arrived == stream.size()) {
          break;
        }
        arrived = std::min(stream.size(), arrived + chunk);
      }
    }
    if (ec || !parser.is_done()) return 0;
    const auto& request = parser.get();
    auto content_type = request[http::field::content_type];
    auto parts =
        maestro::net::ParseMultipart(request.body(), std::string_view(content_type.data(), content_type.size()));
    (void)parts;
    auto question = maestro::ParseAskBody(request.body());
    (void)question;
    stream.remove_prefix(offset);
  }
  return 0;
}
