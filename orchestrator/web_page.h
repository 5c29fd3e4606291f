// The voice web page's files (web/), compiled into the binary so Maestro serves them offline.
#pragma once

#include <optional>
#include <string_view>

namespace maestro {

struct WebFile {
  std::string_view content;
  std::string_view content_type;
};

// RETURNS the file served at `path` ("/" is index.html), or std::nullopt.
std::optional<WebFile> FindWebFile(std::string_view path);

}  // namespace maestro
