// OpenSSL contexts for the HTTP server and client (Boost.Asio), built from TlsOptions.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "common/status.h"
#include "tls/tls_options.h"

namespace maestro::net {

// RETURNS a TLS 1.2+ context for `role`: a server presents its certificate and, given a CA, requires and verifies
// client certificates (mutual TLS); a client verifies servers against the CA (the system's roots without one)
// and presents its certificate when given. kInvalidArgument for bad files (tls::LoadTlsMaterial).
// REQUIRES: tls.enabled().
Result<std::unique_ptr<boost::asio::ssl::context>> MakeTlsContext(const tls::TlsOptions& tls, tls::TlsRole role);

// Prepares a client's TLS stream for `host`: SNI (DNS names only) and the check that the server's certificate
// names `host` (a DNS name or an IP address). RETURNS kInvalidArgument if OpenSSL refuses the name.
Status PrepareClientTls(SSL* ssl, const std::string& host);

}  // namespace maestro::net
