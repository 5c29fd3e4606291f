#include "net/multipart.h"

#include <algorithm>
#include <cctype>
#include <random>

#include "common/text.h"

namespace maestro::net {
namespace {

// Finds `key="value"` or `key=value` in a header's parameter list.
std::string Parameter(std::string_view header, std::string_view key) {
  std::string lower = Lower(header);
  size_t pos = 0;
  while ((pos = lower.find(key, pos)) != std::string::npos) {
    bool starts_word = pos == 0 || lower[pos - 1] == ';' || lower[pos - 1] == ' ' || lower[pos - 1] == '\t';
    size_t eq = pos + key.size();
    if (!starts_word || eq >= lower.size() || lower[eq] != '=') {
      pos = eq;
      continue;
    }
    size_t begin = eq + 1;
    if (begin < header.size() && header[begin] == '"') {
      size_t end = header.find('"', begin + 1);
      if (end == std::string_view::npos) return {};
      return std::string(header.substr(begin + 1, end - begin - 1));
    }
    size_t end = header.find_first_of("; \t", begin);
    return std::string(header.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
  }
  return {};
}

}  // namespace

Result<std::vector<FormPart>> ParseMultipart(std::string_view body, std::string_view content_type) {
  if (Lower(content_type).rfind("multipart/form-data", 0) != 0) {
    return InvalidArgument("expected multipart/form-data, got '" + std::string(content_type) + "'");
  }
  std::string boundary = Parameter(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 200) return InvalidArgument("multipart content type has no valid boundary");
  const std::string delimiter = "--" + boundary;

  std::vector<FormPart> parts;
  size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) return InvalidArgument("multipart body has no boundary line");
  for (;;) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") break;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") return InvalidArgument("malformed multipart boundary line");
    pos += 2;
    size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) return InvalidArgument("multipart part without header end");
    FormPart part;
    std::string_view headers = body.substr(pos, headers_end - pos);
    size_t line_start = 0;
    while (line_start <= headers.size()) {
      size_t line_end = headers.find("\r\n", line_start);
      std::string_view line = headers.substr(
          line_start, line_end == std::string_view::npos ? std::string_view::npos : line_end - line_start);
      auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name = Lower(line.substr(0, colon));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        if (name == "content-disposition") {
          part.name = Parameter(value, "name");
          part.filename = Parameter(value, "filename");
        } else if (name == "content-type") {
          part.content_type = std::string(value);
        }
      }
      if (line_end == std::string_view::npos) break;
      line_start = line_end + 2;
    }
    size_t data_begin = headers_end + 4;
    size_t next = body.find("\r\n" + delimiter, data_begin);
    if (next == std::string_view::npos) return InvalidArgument("multipart part is not terminated by its boundary");
    part.data = body.substr(data_begin, next - data_begin);
    parts.push_back(part);
    pos = next + 2;
    if (parts.size() > 64) return InvalidArgument("too many multipart parts");
  }
  return parts;
}

std::string BuildMultipartFile(std::string_view field, std::string_view filename, std::string_view file_content_type,
                               std::string_view data, std::string& content_type) {
  // A random boundary: a fixed one could occur inside audio bytes and cut the file short.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char random_part[17];
  snprintf(random_part, sizeof(random_part), "%016llx", static_cast<unsigned long long>(rng()));
  const std::string boundary = std::string("maestro-") + random_part;
  content_type = "multipart/form-data; boundary=" + boundary;
  std::string body;
  body.reserve(data.size() + 256);
  body += "--" + boundary + "\r\n";
  body += "Content-Disposition: form-data; name=\"" + std::string(field) + "\"; filename=\"" + std::string(filename) +
          "\"\r\n";
  body += "Content-Type: " + std::string(file_content_type) + "\r\n\r\n";
  body += data;
  body += "\r\n--" + boundary + "--\r\n";
  return body;
}

}  // namespace maestro::net
