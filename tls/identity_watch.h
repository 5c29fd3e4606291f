// Certificate renewal without a restart: a process presents the certificate and key its files hold now, not the
// ones read at start. OpenSSL contexts (the HTTP server and client, Thrift's sockets) take the renewed pair in a
// handshake callback; gRPC, whose OpenSSL context is its own, re-reads files itself (tls/identity_mirror.h).
#pragma once

#include <openssl/ssl.h>

#include "common/status.h"
#include "tls/tls_options.h"

namespace maestro::tls {

// Attaches to `context` a watch of options.cert_file and options.key_file. Each handshake that needs this side's
// certificate (a server's always, a client's when the server asks) checks the files at most once per
// options.reload_interval; when either changed (time, size or inode: a Kubernetes Secret's symlink swap counts),
// and the new pair loads and matches, that handshake and every later one present it. A pair that does not load
// (half written, a key of another certificate) is logged once and the last good pair kept. The watch is owned
// by `context` and freed with it. Connections already open keep the certificate they were made with.
// REQUIRES: `context` already holds the certificate and key of `options` (the watch starts from them);
// options.reload_interval > 0; called once per context. RETURNS kInvalidArgument for files that do not load,
// kInternal if OpenSSL refuses.
// THREAD-SAFETY: call before the context is used; the handshakes may then run on any threads.
Status WatchIdentity(SSL_CTX* context, const TlsOptions& options);

}  // namespace maestro::tls
