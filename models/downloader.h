// Downloader: HTTP(S) GETs with libcurl, bounded in size and time. Files download into a caller-named partial file
// and resume from its current length with a Range request.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "models/progress.h"

namespace maestro::models {

struct DownloadLimits {
  std::chrono::milliseconds connect_timeout{20000};
  std::chrono::seconds stall_timeout{60};       // abort when under 1 KB/s for this long
  std::chrono::seconds transfer_timeout{1800};  // one request, start to end
};

// Failures: kUnavailable (host unreachable, connection lost: the partial file stays for a resume), kNotFound
// (HTTP 404), kUpstreamError (any other HTTP error), kPayloadTooLarge (more bytes than allowed), kDeadlineExceeded
// (a limit in DownloadLimits). Only http and https URLs are followed, redirects included.
class Downloader {
 public:
  explicit Downloader(DownloadLimits limits = {});

  // RETURNS the body of `url`, at most `max_bytes` long.
  Result<std::string> GetText(const std::string& url, size_t max_bytes);

  // Makes `partial` hold the `size` bytes of `url`: appends to what it holds already (Range: bytes=N-), starts
  // over when the server ignores the range, and never writes past `size`. Reports to `progress` under `label`.
  // RETURNS ok once `partial` is `size` bytes long; its content is the caller's to verify.
  Status DownloadFile(const std::string& url, const std::string& partial, uint64_t size, const std::string& label,
                      Progress& progress);

 private:
  // One request for bytes [present, size) of `url` into `partial`. Sets `range_refused` when the server answered
  // a Range request with the whole file.
  Status Attempt(const std::string& url, const std::string& partial, uint64_t present, uint64_t size,
                 const std::string& label, Progress& progress, bool* range_refused);

  DownloadLimits limits_;
};

}  // namespace maestro::models
