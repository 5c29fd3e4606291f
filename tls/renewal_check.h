// Tells when a certificate and key pair on disk was renewed into a pair that loads: what the identity watch and
// the identity mirror act on.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <utility>

#include "tls/tls_options.h"

namespace maestro::tls {

// A file's version, known without reading it.
struct FileStamp {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = -1;
  int64_t modified_ns = -1;

  bool operator==(const FileStamp&) const = default;
};

class RenewalCheck {
 public:
  // Starts from the files as they are now: they count as taken.
  explicit RenewalCheck(TlsOptions options);
  RenewalCheck(const RenewalCheck&) = delete;
  RenewalCheck& operator=(const RenewalCheck&) = delete;

  // RETURNS the renewed pair's material when either file changed since the pair last taken and the new pair
  // loads and matches (tls::LoadTlsMaterial); nullopt when unchanged or refused (logged once per version).
  // THREAD-SAFETY: not safe; one caller at a time.
  std::optional<TlsMaterial> Renewed();

  const TlsOptions& options() const { return options_; }

 private:
  std::pair<FileStamp, FileStamp> Stamps() const;

  const TlsOptions options_;
  std::pair<FileStamp, FileStamp> taken_;
  std::pair<FileStamp, FileStamp> refused_;
};

}  // namespace maestro::tls
