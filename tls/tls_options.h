// TlsOptions: the certificate, key and CA files one process uses for TLS, shared by every transport and by the
// HTTP server and client, so that `--tls-cert --tls-key --tls-ca` mean the same thing on every command.
#pragma once

#include <chrono>
#include <string>

#include "common/status.h"

namespace maestro::tls {

struct TlsOptions {
  // PEM certificate (chain) this process presents: a server's identity, or a client's for mutual TLS.
  std::string cert_file;
  // PEM private key of `cert_file`.
  std::string key_file;
  // PEM CA bundle. A client verifies the server against it (without it: the system's trust store); a server
  // given one requires every client to present a certificate it signed (mutual TLS).
  std::string ca_file;
  // How often a process checks whether cert_file and key_file were renewed, and then presents the new pair on
  // new connections (tls/identity_watch.h); 0: read once at start. The CA bundle is read once.
  std::chrono::milliseconds reload_interval = std::chrono::seconds(60);

  // True when any file is set: TLS is on. All empty: plaintext, exactly as without TLS support.
  bool enabled() const { return !cert_file.empty() || !key_file.empty() || !ca_file.empty(); }
};

// The contents of the files, checked: what gRPC and OpenSSL contexts are built from.
struct TlsMaterial {
  std::string cert_pem;  // empty for a client without a certificate
  std::string key_pem;
  std::string ca_pem;  // empty when no CA was given
};

enum class TlsRole { kServer, kClient };

// Reads and checks `options` for `role`: a server needs a certificate and its key; a certificate needs its key
// and a key its certificate; the key must match the certificate; the CA file must hold at least one
// certificate. RETURNS the material, or kInvalidArgument naming the flag and file at fault (missing,
// unreadable, not PEM, mismatched). REQUIRES: options.enabled().
Result<TlsMaterial> LoadTlsMaterial(const TlsOptions& options, TlsRole role);

}  // namespace maestro::tls
