#include "tests/support/assist_request.h"

#include "net/multipart.h"

namespace maestro::testing {

net::HttpRequest AssistRequest(const std::string& wav) {
  net::HttpRequest request{net::http::verb::post, "/assist", 11};
  std::string content_type;
  request.body() = net::BuildMultipartFile("file", "q.wav", "audio/wav", wav, content_type);
  request.set(net::http::field::content_type, content_type);
  request.prepare_payload();
  return request;
}

}  // namespace maestro::testing
