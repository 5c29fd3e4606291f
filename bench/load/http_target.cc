#include "bench/load/http_target.h"

#include <algorithm>
#include <cctype>

namespace maestro::bench {
namespace {

std::string ContentTypeForFile(const std::string& name) {
  auto ends_with = [&](const char* suffix) {
    const std::string s(suffix);
    if (name.size() < s.size()) return false;
    return std::equal(s.rbegin(), s.rend(), name.rbegin(),
                      [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
  };
  if (ends_with(".wav")) return "audio/wav";
  if (ends_with(".mp3")) return "audio/mpeg";
  if (ends_with(".json")) return "application/json";
  if (ends_with(".txt")) return "text/plain";
  return "application/octet-stream";
}

std::string BaseName(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  // Quotes and line breaks would break the Content-Disposition header.
  std::erase_if(base, [](char c) { return c == '"' || c == '\r' || c == '\n'; });
  return base.empty() ? "body.bin" : base;
}

}  // namespace

std::string SerializeRequest(const LoadConfig& config, const HttpUrl& target) {
  std::string body;
  std::string content_type = config.content_type;
  if (content_type.empty() && !config.body.empty()) {
    std::string boundary = "maestro-load-boundary-6b1f3c9e";
    while (config.body.find(boundary) != std::string::npos) boundary += "x";
    const std::string file_name = BaseName(config.body_file_name);
    body.reserve(config.body.size() + 256);
    body += "--" + boundary + "\r\n";
    body +=
        "Content-Disposition: form-data; name=\"" + config.multipart_field + "\"; filename=\"" + file_name + "\"\r\n";
    body += "Content-Type: " + ContentTypeForFile(file_name) + "\r\n\r\n";
    body += config.body;
    body += "\r\n--" + boundary + "--\r\n";
    content_type = "multipart/form-data; boundary=" + boundary;
  } else {
    body = config.body;
  }
  std::string host_header = target.host.find(':') != std::string::npos ? "[" + target.host + "]" : target.host;
  if (target.port != (target.https ? 443 : 80)) {
    host_header += ':';  // appended in two steps: g++ 12's -Wrestrict false positive on ":" + string (GCC 105651)
    host_header += std::to_string(target.port);
  }

  std::string request;
  request.reserve(body.size() + 512);
  request += config.method + " " + target.target + " HTTP/1.1\r\n";
  request += "Host: " + host_header + "\r\n";
  request += "User-Agent: maestro-load/0.1\r\n";
  bool has_accept = false;
  for (const auto& [name, value] : config.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "accept") has_accept = true;
    request += name + ": " + value + "\r\n";
  }
  if (!has_accept) request += "Accept: */*\r\n";
  if (!content_type.empty()) request += "Content-Type: " + content_type + "\r\n";
  if (!body.empty() || config.method == "POST" || config.method == "PUT" || config.method == "PATCH") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "Connection: keep-alive\r\n\r\n";
  request += body;
  return request;
}

}  // namespace maestro::bench
