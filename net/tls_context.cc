#include "net/tls_context.h"

#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tls/identity_watch.h"

namespace maestro::net {
namespace {

namespace ssl = boost::asio::ssl;

bool IsIpAddress(const std::string& host) {
  unsigned char address[16];
  return inet_pton(AF_INET, host.c_str(), address) == 1 || inet_pton(AF_INET6, host.c_str(), address) == 1;
}

}  // namespace

Result<std::unique_ptr<ssl::context>> MakeTlsContext(const tls::TlsOptions& tls, tls::TlsRole role) {
  auto material = tls::LoadTlsMaterial(tls, role);
  if (!material.ok()) return material.status();
  const bool server = role == tls::TlsRole::kServer;
  auto context = std::make_unique<ssl::context>(server ? ssl::context::tls_server : ssl::context::tls_client);
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                           ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                       ec);
  if (!ec && !material->cert_pem.empty()) {
    context->use_certificate_chain(boost::asio::buffer(material->cert_pem), ec);
    if (!ec) context->use_private_key(boost::asio::buffer(material->key_pem), ssl::context::pem, ec);
  }
  if (!ec && !material->ca_pem.empty()) context->add_certificate_authority(boost::asio::buffer(material->ca_pem), ec);
  if (!ec && material->ca_pem.empty() && !server) context->set_default_verify_paths(ec);
  if (!ec) {
    if (!server) {
      context->set_verify_mode(ssl::verify_peer, ec);
    } else if (!material->ca_pem.empty()) {
      context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert, ec);
    }
  }
  if (ec) return InvalidArgument("TLS setup failed: " + ec.message());
  if (!material->cert_pem.empty() && tls.reload_interval.count() > 0) {
    if (auto watched = tls::WatchIdentity(context->native_handle(), tls); !watched.ok()) return watched;
  }
  return context;
}

Status PrepareClientTls(SSL* ssl, const std::string& host) {
  if (IsIpAddress(host)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) != 1) {
      return InvalidArgument("TLS: cannot verify IP address " + host);
    }
    return Status::Ok();
  }
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1 || SSL_set1_host(ssl, host.c_str()) != 1) {
    return InvalidArgument("TLS: cannot verify host name " + host);
  }
  return Status::Ok();
}

}  // namespace maestro::net
