// multipart/form-data: parsing uploads (the thesis's POST /transcribe and /assist take a `file` field) and
// building them for our own clients.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace maestro::net {

struct FormPart {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string_view data;  // points into the parsed body
};

// Parses `body` given the request's Content-Type header value.
// RETURNS the parts, or kInvalidArgument when the content type has no boundary or the body is malformed.
// The parts point into `body`, which must outlive them.
Result<std::vector<FormPart>> ParseMultipart(std::string_view body, std::string_view content_type);

// Builds a multipart/form-data body with one file field. RETURNS the body; `content_type` receives the header
// value to send with it.
std::string BuildMultipartFile(std::string_view field, std::string_view filename, std::string_view file_content_type,
                               std::string_view data, std::string& content_type);

}  // namespace maestro::net
