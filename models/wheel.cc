#include "models/wheel.h"

#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

namespace maestro::models {
namespace {

namespace fs = std::filesystem;

std::string ZipErrorText(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

}  // namespace

Status ExtractMember(const std::string& archive, const std::string& member, const std::string& destination,
                     uint64_t max_bytes) {
  int code = 0;
  std::unique_ptr<zip_t, void (*)(zip_t*)> zip(zip_open(archive.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code),
                                               &zip_discard);
  if (!zip) {
    if (code == ZIP_ER_NOENT) return Status(StatusCode::kNotFound, "no such wheel " + archive);
    return InvalidArgument(archive + " is not a readable wheel: " + ZipErrorText(code));
  }
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat(zip.get(), member.c_str(), 0, &stat) != 0)
    return Status(StatusCode::kNotFound, archive + " has no member " + member);
  if ((stat.valid & ZIP_STAT_SIZE) && stat.size > max_bytes)
    return Status(StatusCode::kPayloadTooLarge, member + " is " + std::to_string(stat.size) + " bytes, over the limit");
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> entry(zip_fopen(zip.get(), member.c_str(), 0), &zip_fclose);
  if (!entry) return InvalidArgument("cannot open " + member + " in " + archive + ": " + zip_strerror(zip.get()));

  std::string partial = destination + ".partial";
  std::unique_ptr<FILE, int (*)(FILE*)> out(std::fopen(partial.c_str(), "wb"), &std::fclose);
  if (!out) return Internal("cannot write " + partial);
  std::vector<char> buffer(1u << 20);
  uint64_t total = 0;
  Status status;
  for (;;) {
    zip_int64_t n = zip_fread(entry.get(), buffer.data(), buffer.size());
    if (n < 0) {
      // libzip checks the CRC at the end of the member and reports a mismatch here.
      status = InvalidArgument("cannot read " + member + " in " + archive + ": " + zip_file_strerror(entry.get()));
      break;
    }
    if (n == 0) break;
    total += static_cast<uint64_t>(n);
    if (total > max_bytes) {
      status = Status(StatusCode::kPayloadTooLarge, member + " inflates past the limit");
      break;
    }
    if (std::fwrite(buffer.data(), 1, static_cast<size_t>(n), out.get()) != static_cast<size_t>(n)) {
      status = Internal("cannot write " + partial);
      break;
    }
  }
  if (std::fclose(out.release()) != 0 && status.ok()) status = Internal("cannot write " + partial);
  std::error_code error;
  if (!status.ok()) {
    fs::remove(partial, error);
    return status;
  }
  fs::rename(partial, destination, error);
  if (error) return Internal("cannot rename " + partial + ": " + error.message());
  return Status::Ok();
}

}  // namespace maestro::models
