// Certificate renewal for a reader that re-reads certificate files itself: gRPC's file-watching certificate
// provider, which would take a certificate and a key that do not match (a renewal caught half written) and then
// fail every handshake. It reads copies that only ever hold a whole pair.
#pragma once

#include <string>

#include "common/status.h"
#include "tls/tls_options.h"

namespace maestro::tls {

struct IdentityCopies {
  std::string cert_file;
  std::string key_file;
  std::string ca_file;  // the CA bundle as read at start (it is not followed); empty without one
};

// RETURNS copies of options.cert_file and options.key_file that only ever hold a pair that loads and matches. A
// thread checks the originals every options.reload_interval and, when a renewed pair loads, writes it as a new
// generation behind one symlink swap. Each generation's files are one second newer than the last's, so a reader
// that compares modification times before and after its read never keeps a pair taken across a swap. The copies
// sit in a private temporary folder (with a copy of options.ca_file as read at start) until the process exits; the same
// files give the same copies. kInvalidArgument for files that do not load, kInternal for I/O. REQUIRES:
// options.reload_interval > 0. THREAD-SAFETY: safe from any thread.
Result<IdentityCopies> MirrorIdentity(const TlsOptions& options);

}  // namespace maestro::tls
