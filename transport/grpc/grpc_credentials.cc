#include "transport/grpc/grpc_credentials.h"

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

namespace maestro::grpc_transport {

Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const tls::TlsOptions& tls) {
  if (!tls.enabled()) return grpc::InsecureServerCredentials();
  auto material = tls::LoadTlsMaterial(tls, tls::TlsRole::kServer);
  if (!material.ok()) return material.status();
  grpc::SslServerCredentialsOptions options(material->ca_pem.empty()
                                                ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                                : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = material->ca_pem;
  options.pem_key_cert_pairs.push_back({material->key_pem, material->cert_pem});
  return grpc::SslServerCredentials(options);
}

Result<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(const tls::TlsOptions& tls) {
  if (!tls.enabled()) return grpc::InsecureChannelCredentials();
  auto material = tls::LoadTlsMaterial(tls, tls::TlsRole::kClient);
  if (!material.ok()) return material.status();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = material->ca_pem;
  options.pem_private_key = material->key_pem;
  options.pem_cert_chain = material->cert_pem;
  return grpc::SslCredentials(options);
}

}  // namespace maestro::grpc_transport
