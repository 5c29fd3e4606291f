#include "models/downloader.h"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "models/curl_library.h"

namespace maestro::models {
namespace {

namespace fs = std::filesystem;

// What one request accumulates while curl runs it.
struct Transfer {
  const CurlLibrary* api = nullptr;
  CURL* curl = nullptr;
  // Into memory (GetText) ...
  std::string* memory = nullptr;
  // ... or into a file (DownloadFile), opened once the status line says whether the range was honoured.
  std::string path;
  FILE* file = nullptr;
  uint64_t offset = 0;  // bytes already in the file before this request
  uint64_t received = 0;
  uint64_t limit = 0;  // offset + received never exceeds it
  bool too_large = false;
  bool file_error = false;
  Progress* progress = nullptr;

  uint64_t total() const { return offset + received; }
};

size_t OnData(char* data, size_t one, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t n = one * count;
  if (transfer->memory == nullptr && transfer->file == nullptr) {
    long code = 0;
    transfer->api->easy_getinfo(transfer->curl, CURLINFO_RESPONSE_CODE, &code);
    // 206: the server resumes where the partial file ends; 200: it ignored the range and sends everything.
    if (code != 206) transfer->offset = 0;
    transfer->file = std::fopen(transfer->path.c_str(), code == 206 ? "ab" : "wb");
    if (transfer->file == nullptr) {
      transfer->file_error = true;
      return 0;
    }
  }
  if (transfer->total() + n > transfer->limit) {
    transfer->too_large = true;
    return 0;
  }
  if (transfer->memory) {
    transfer->memory->append(data, n);
  } else if (std::fwrite(data, 1, n, transfer->file) != n) {
    transfer->file_error = true;
    return 0;
  }
  transfer->received += n;
  if (transfer->progress) transfer->progress->Advance(transfer->total());
  return n;
}

using CurlHandle = std::unique_ptr<CURL, void (*)(CURL*)>;

// REQUIRES: transfer.api set.
CurlHandle NewHandle(const std::string& url, const DownloadLimits& limits, Transfer& transfer, char* error_buffer) {
  const CurlLibrary& api = *transfer.api;
  CurlHandle curl(api.easy_init(), api.easy_cleanup);
  CURL* handle = curl.get();
  transfer.curl = handle;
  auto set = api.easy_setopt;
  set(handle, CURLOPT_URL, url.c_str());
  set(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  set(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  set(handle, CURLOPT_FOLLOWLOCATION, 1L);
  set(handle, CURLOPT_MAXREDIRS, 5L);
  set(handle, CURLOPT_FAILONERROR, 1L);
  set(handle, CURLOPT_NOSIGNAL, 1L);
  set(handle, CURLOPT_USERAGENT, "maestro-models/1");
  set(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.connect_timeout.count()));
  set(handle, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  set(handle, CURLOPT_LOW_SPEED_TIME, static_cast<long>(limits.stall_timeout.count()));
  set(handle, CURLOPT_TIMEOUT, static_cast<long>(limits.transfer_timeout.count()));
  set(handle, CURLOPT_WRITEFUNCTION, &OnData);
  set(handle, CURLOPT_WRITEDATA, &transfer);
  set(handle, CURLOPT_ERRORBUFFER, error_buffer);
  return curl;
}

Status Classify(CURLcode result, CURL* curl, const Transfer& transfer, const std::string& url, const char* detail) {
  std::string reason = detail && *detail ? detail : transfer.api->easy_strerror(result);
  if (transfer.too_large)
    return Status(StatusCode::kPayloadTooLarge, url + " sent more than " + std::to_string(transfer.limit) + " bytes");
  if (transfer.file_error) return Internal("cannot write " + transfer.path);
  switch (result) {
    case CURLE_OK:
      return Status::Ok();
    case CURLE_HTTP_RETURNED_ERROR: {
      long code = 0;
      transfer.api->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
      StatusCode status = code == 404 ? StatusCode::kNotFound : StatusCode::kUpstreamError;
      return Status(status, url + " answered HTTP " + std::to_string(code));
    }
    case CURLE_OPERATION_TIMEDOUT:
      return DeadlineExceeded(url + ": " + reason);
    default:
      return Unavailable(url + ": " + reason);
  }
}

}  // namespace

Downloader::Downloader(DownloadLimits limits) : limits_(limits) {}

Result<std::string> Downloader::GetText(const std::string& url, size_t max_bytes) {
  auto api = OpenCurl();
  if (!api.ok()) return api.status();
  std::string body;
  Transfer transfer;
  transfer.api = *api;
  transfer.memory = &body;
  transfer.limit = max_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {};
  CurlHandle curl = NewHandle(url, limits_, transfer, error_buffer);
  CURLcode result = transfer.api->easy_perform(curl.get());
  Status status = Classify(result, curl.get(), transfer, url, error_buffer);
  if (!status.ok()) return status;
  return body;
}

Status Downloader::DownloadFile(const std::string& url, const std::string& partial, uint64_t size,
                                const std::string& label, Progress& progress) {
  std::error_code error;
  uint64_t present = fs::exists(partial, error) ? fs::file_size(partial, error) : 0;
  if (error) present = 0;
  if (present > size) {
    fs::remove(partial, error);
    present = 0;
  }
  if (present == size) return Status::Ok();
  bool range_refused = false;
  Status status = Attempt(url, partial, present, size, label, progress, &range_refused);
  // curl refuses a 200 answer to a Range request: the server cannot resume, so the download starts over.
  if (range_refused) {
    progress.Note("  " + label + ": the server cannot resume; starting over");
    fs::remove(partial, error);
    status = Attempt(url, partial, 0, size, label, progress, &range_refused);
  }
  return status;
}

Status Downloader::Attempt(const std::string& url, const std::string& partial, uint64_t present, uint64_t size,
                           const std::string& label, Progress& progress, bool* range_refused) {
  auto api = OpenCurl();
  if (!api.ok()) return api.status();
  Transfer transfer;
  transfer.api = *api;
  transfer.path = partial;
  transfer.offset = present;
  transfer.limit = size;
  transfer.progress = &progress;
  char error_buffer[CURL_ERROR_SIZE] = {};
  CurlHandle curl = NewHandle(url, limits_, transfer, error_buffer);
  if (present > 0) transfer.api->easy_setopt(curl.get(), CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(present));
  progress.Begin(label, size, present);
  CURLcode result = transfer.api->easy_perform(curl.get());
  *range_refused = result == CURLE_RANGE_ERROR;
  bool closed = transfer.file == nullptr || std::fclose(transfer.file) == 0;
  Status status = Classify(result, curl.get(), transfer, url, error_buffer);
  if (status.ok() && !closed) status = Internal("cannot write " + partial);
  if (status.ok() && transfer.total() != size) {
    status = Unavailable(url + " ended after " + std::to_string(transfer.total()) + " of " + std::to_string(size) +
                         " bytes; run the fetch again to resume");
  }
  std::error_code error;
  // Bytes past the expected size mean the partial file cannot be trusted to resume from.
  if (status.code() == StatusCode::kPayloadTooLarge) fs::remove(partial, error);
  progress.End(status.ok());
  return status;
}

}  // namespace maestro::models
