#include "tls/renewal_check.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

namespace maestro::tls {
namespace {

FileStamp StampOf(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return {};
  return {info.st_dev, info.st_ino, info.st_size, info.st_mtim.tv_sec * 1'000'000'000LL + info.st_mtim.tv_nsec};
}

}  // namespace

RenewalCheck::RenewalCheck(TlsOptions options) : options_(std::move(options)), taken_(Stamps()) {}

std::optional<TlsMaterial> RenewalCheck::Renewed() {
  // Stamped before reading: a file that changes while it is read is read again at the next check.
  const auto stamps = Stamps();
  if (stamps == taken_ || stamps == refused_) return std::nullopt;
  auto material = LoadTlsMaterial(options_, TlsRole::kServer);
  if (!material.ok()) {
    refused_ = stamps;
    spdlog::warn("TLS: {} changed but does not load; still presenting the previous certificate: {}", options_.cert_file,
                 material.status().ToString());
    return std::nullopt;
  }
  taken_ = stamps;
  spdlog::info("TLS: presenting the renewed certificate {} from the next handshake on", options_.cert_file);
  return std::move(material).value();
}

std::pair<FileStamp, FileStamp> RenewalCheck::Stamps() const {
  return {StampOf(options_.cert_file), StampOf(options_.key_file)};
}

}  // namespace maestro::tls
