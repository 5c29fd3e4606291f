// gRPC credentials from TlsOptions: insecure when TLS is off; TLS (with client certificates for mutual TLS) when
// it is on, through gRPC's certificate providers, so that a renewed certificate is presented without a restart.
#pragma once

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>

#include "common/status.h"
#include "tls/tls_options.h"

namespace maestro::grpc_transport {

// RETURNS insecure credentials when `tls` is off; else TLS credentials with the certificate and key, requiring
// and verifying a client certificate when a CA is given. With tls.reload_interval > 0, gRPC's file watcher
// re-reads the certificate and key that often (in whole seconds, at least 1), from copies that only ever hold a
// pair that loads (tls/identity_mirror.h), and new handshakes use it. kInvalidArgument for bad files.
Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const tls::TlsOptions& tls);

// RETURNS insecure credentials when `tls` is off; else TLS credentials that verify the server against the CA
// (the system's roots when none is given) and present the certificate and key when given (mutual TLS), re-read
// as MakeServerCredentials's are. kInvalidArgument for bad files.
Result<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(const tls::TlsOptions& tls);

}  // namespace maestro::grpc_transport
