#include "tests/models/fake_index.h"

#include <openssl/evp.h>
#include <zip.h>

#include <stdexcept>

#include "tests/support/test_support.h"

namespace maestro::models::testing {

namespace http = net::http;

std::string MakeWheel(const std::filesystem::path& scratch, const std::map<std::string, std::string>& members) {
  auto path = scratch / "wheel.zip";
  std::filesystem::remove(path);
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (zip == nullptr) throw std::runtime_error("zip_open failed");
  for (const auto& [name, content] : members) {
    zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
    zip_int64_t index = zip_file_add(zip, name.c_str(), source, ZIP_FL_OVERWRITE);
    if (index < 0) throw std::runtime_error("zip_file_add failed");
    zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 0);
  }
  if (zip_close(zip) != 0) throw std::runtime_error("zip_close failed");
  return maestro::testing::ReadFile(path);
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

FakeIndex::FakeIndex() {
  auto server = net::HttpServer::Start(
      {.threads = 1}, [this](net::HttpRequest&& request, net::Respond respond) { respond(Answer(request)); });
  if (!server.ok()) throw std::runtime_error(server.status().ToString());
  server_ = std::move(server).value();
}

FakeIndex::~FakeIndex() {
  server_->Shutdown(std::chrono::milliseconds(1000));
}

void FakeIndex::AddFile(const std::string& name, std::string bytes) {
  std::lock_guard lock(mutex_);
  files_["/files/" + name] = std::move(bytes);
}

void FakeIndex::AddLink(const std::string& package, const std::string& wheel, const std::string& listed_sha) {
  std::lock_guard lock(mutex_);
  std::string& page = pages_["/simple/" + package + "/"];
  // Relative links, as a static mirror would write them; the client resolves them against the page URL.
  page += "<a href=\"../../files/" + wheel + (listed_sha.empty() ? "" : "#sha256=" + listed_sha) +
          "\" data-requires-python=\"&gt;=3.8\">" + wheel + "</a><br/>\n";
}

std::string FakeIndex::base() const {
  return "http://127.0.0.1:" + std::to_string(server_->port());
}
std::string FakeIndex::index() const {
  return base() + "/simple";
}

std::vector<SeenRequest> FakeIndex::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

net::HttpResponse FakeIndex::Answer(const net::HttpRequest& request) {
  std::lock_guard lock(mutex_);
  std::string target(request.target());
  SeenRequest seen{target, std::string(request[http::field::range]), 0};
  net::HttpResponse response{http::status::not_found, request.version()};
  if (auto page = pages_.find(target); page != pages_.end()) {
    response.result(http::status::ok);
    response.set(http::field::content_type, "text/html");
    response.body() = "<!DOCTYPE html><html><body>\n" + page->second + "</body></html>\n";
  } else if (auto file = files_.find(target); file != files_.end()) {
    const std::string& bytes = file->second;
    size_t start = 0;
    if (honour_range_ && seen.range.rfind("bytes=", 0) == 0) start = std::stoul(seen.range.substr(6));
    if (start >= bytes.size() && start > 0) {
      response.result(http::status::range_not_satisfiable);
    } else if (start > 0) {
      response.result(http::status::partial_content);
      response.set(http::field::content_range, "bytes " + std::to_string(start) + "-" +
                                                   std::to_string(bytes.size() - 1) + "/" +
                                                   std::to_string(bytes.size()));
      response.body() = bytes.substr(start);
    } else {
      response.result(http::status::ok);
      response.body() = bytes;
    }
  }
  seen.body_bytes = response.body().size();
  requests_.push_back(seen);
  response.prepare_payload();
  return response;
}

}  // namespace maestro::models::testing
