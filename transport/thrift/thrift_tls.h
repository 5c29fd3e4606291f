// TLS for Thrift: an OpenSSL socket factory (Thrift's TSSLSocketFactory) configured from TlsOptions, for
// TSSLServerSocket on the server and TSSLSocket in the client's connection pool.
#pragma once

#include <thrift/transport/TSSLSocket.h>

#include <memory>

#include "common/status.h"
#include "tls/tls_options.h"

namespace maestro::thrift {

// RETURNS null when `tls` is off; else a factory for `role`: a server presents its certificate and, given a CA,
// requires and verifies client certificates; a client verifies the server against the CA (the system's roots
// without one), checks its name or IP address against the certificate, and presents its own certificate when
// given. kInvalidArgument for bad files.
// Every socket made by the factory must be destroyed before it: hold the factory at least as long as them.
// OpenSSL is initialised by OpenSSL itself, not by Thrift (whose last factory would otherwise unload OpenSSL's
// process-wide configuration under gRPC and the HTTP server). SIGPIPE is ignored from the first call on: an
// OpenSSL socket writes with write(), and a peer that hung up must fail the call, not kill the process.
Result<std::shared_ptr<apache::thrift::transport::TSSLSocketFactory>> MakeSslSocketFactory(const tls::TlsOptions& tls,
                                                                                           tls::TlsRole role);

}  // namespace maestro::thrift
