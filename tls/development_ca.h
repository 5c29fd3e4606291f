// The development certificate authority behind `maestro certs init DIR`: one CA and one certificate per service,
// made with OpenSSL's API (no `openssl` command), for TLS and mutual TLS between Maestro's processes on machines
// without a real PKI. Not for the public internet: the CA key sits beside the certificates.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace maestro::tls {

struct DevelopmentCaOptions {
  // One certificate (and key) per name; each is valid for DNS:<name>, DNS:localhost, IP:127.0.0.1 and IP:::1,
  // plus `extra_names` (DNS names or IP addresses), for server and client use (mutual TLS).
  std::vector<std::string> services = {"maestro", "stt", "llm", "tts"};
  std::vector<std::string> extra_names;
  int valid_days = 365;
};

// Makes DIR/ca.crt, DIR/ca.key and DIR/<service>.crt, DIR/<service>.key for every service: P-256 keys, SHA-256
// signatures, keys written with mode 0600. REQUIRES: DIR holds none of those files (nothing is overwritten).
// RETURNS the paths written, or kInvalidArgument (a bad name, files already there) / kInternal (OpenSSL or I/O).
Result<std::vector<std::filesystem::path>> WriteDevelopmentCa(const std::filesystem::path& dir,
                                                              const DevelopmentCaOptions& options);

// Issues one more certificate from the development CA in `ca_dir` (its ca.crt and ca.key): OUT_DIR/<name>.crt and
// OUT_DIR/<name>.key, valid as WriteDevelopmentCa's are plus `extra_names`, for `valid_days`. `maestro up --tls
// --topology netns` uses it to name each host's address. REQUIRES: OUT_DIR exists and holds neither file.
// RETURNS the paths written, or kInvalidArgument (a bad name, files already there), kUnavailable (no readable CA
// key in `ca_dir`: certificates from another PKI), kInternal (OpenSSL or I/O).
Result<std::vector<std::filesystem::path>> IssueFromDevelopmentCa(const std::filesystem::path& ca_dir,
                                                                  const std::string& name,
                                                                  const std::vector<std::string>& extra_names,
                                                                  const std::filesystem::path& out_dir, int valid_days);

}  // namespace maestro::tls
