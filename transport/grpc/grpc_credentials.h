// gRPC credentials from TlsOptions: insecure when TLS is off, SSL (with client certificates for mutual TLS)
// when it is on.
#pragma once

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>

#include "common/status.h"
#include "tls/tls_options.h"

namespace maestro::grpc_transport {

// RETURNS insecure credentials when `tls` is off; else SSL credentials with the certificate and key, requiring
// and verifying a client certificate when a CA is given. kInvalidArgument for bad files.
Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const tls::TlsOptions& tls);

// RETURNS insecure credentials when `tls` is off; else SSL credentials that verify the server against the CA
// (the system's roots when none is given) and present the certificate and key when given (mutual TLS).
// kInvalidArgument for bad files.
Result<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(const tls::TlsOptions& tls);

}  // namespace maestro::grpc_transport
