#include "transport/grpc/grpc_credentials.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <algorithm>
#include <chrono>

#include "tls/identity_mirror.h"

namespace maestro::grpc_transport {
namespace {

namespace gx = grpc::experimental;

unsigned int WatchSeconds(std::chrono::milliseconds interval) {
  return static_cast<unsigned int>(std::max<int64_t>(1, std::chrono::ceil<std::chrono::seconds>(interval).count()));
}

// RETURNS a provider that re-reads the certificate and key every reload_interval, or one holding `material` as
// read at start. The CA bundle is read once either way.
Result<std::shared_ptr<gx::CertificateProviderInterface>> Provider(const tls::TlsOptions& tls,
                                                                   const tls::TlsMaterial& material) {
  if (tls.reload_interval.count() > 0 && !tls.cert_file.empty()) {
    auto copies = tls::MirrorIdentity(tls);
    if (!copies.ok()) return copies.status();
    return std::shared_ptr<gx::CertificateProviderInterface>(std::make_shared<gx::FileWatcherCertificateProvider>(
        copies->key_file, copies->cert_file, copies->ca_file, WatchSeconds(tls.reload_interval)));
  }
  std::vector<gx::IdentityKeyCertPair> pairs;
  if (!material.cert_pem.empty()) pairs.push_back({material.key_pem, material.cert_pem});
  return std::shared_ptr<gx::CertificateProviderInterface>(
      std::make_shared<gx::StaticDataCertificateProvider>(material.ca_pem, pairs));
}

}  // namespace

Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const tls::TlsOptions& tls) {
  if (!tls.enabled()) return grpc::InsecureServerCredentials();
  auto material = tls::LoadTlsMaterial(tls, tls::TlsRole::kServer);
  if (!material.ok()) return material.status();
  auto provider = Provider(tls, *material);
  if (!provider.ok()) return provider.status();
  gx::TlsServerCredentialsOptions options(*provider);
  options.watch_identity_key_cert_pairs();
  if (material->ca_pem.empty()) {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return gx::TlsServerCredentials(options);
}

Result<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(const tls::TlsOptions& tls) {
  if (!tls.enabled()) return grpc::InsecureChannelCredentials();
  auto material = tls::LoadTlsMaterial(tls, tls::TlsRole::kClient);
  if (!material.ok()) return material.status();
  gx::TlsChannelCredentialsOptions options;
  if (!material->cert_pem.empty() || !material->ca_pem.empty()) {
    auto provider = Provider(tls, *material);
    if (!provider.ok()) return provider.status();
    options.set_certificate_provider(*provider);
  }
  if (!material->ca_pem.empty()) options.watch_root_certs();
  if (!material->cert_pem.empty()) options.watch_identity_key_cert_pairs();
  options.set_verify_server_certs(true);
  return gx::TlsCredentials(options);
}

}  // namespace maestro::grpc_transport
