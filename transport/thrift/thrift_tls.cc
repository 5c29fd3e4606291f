#include "transport/thrift/thrift_tls.h"

#include <openssl/ssl.h>
#include <signal.h>

#include <mutex>

#include "tls/identity_watch.h"

namespace maestro::thrift {
namespace {

using apache::thrift::transport::DefaultClientAccessManager;
using apache::thrift::transport::TSSLSocketFactory;

// Exposes the context so that a client without a CA can trust the system's roots, and a certificate can be renewed
// without a restart, which Thrift has no calls for.
class SslSocketFactory final : public TSSLSocketFactory {
 public:
  void TrustSystemRoots() { SSL_CTX_set_default_verify_paths(ctx_->get()); }
  Status WatchIdentity(const tls::TlsOptions& tls) { return tls::WatchIdentity(ctx_->get(), tls); }
};

void PrepareProcess() {
  static std::once_flag once;
  std::call_once(once, [] {
    TSSLSocketFactory::setManualOpenSSLInitialization(true);
    signal(SIGPIPE, SIG_IGN);
  });
}

}  // namespace

Result<std::shared_ptr<TSSLSocketFactory>> MakeSslSocketFactory(const tls::TlsOptions& tls, tls::TlsRole role) {
  if (!tls.enabled()) return std::shared_ptr<TSSLSocketFactory>();
  auto material = tls::LoadTlsMaterial(tls, role);
  if (!material.ok()) return material.status();
  PrepareProcess();
  try {
    auto factory = std::make_shared<SslSocketFactory>();
    factory->server(role == tls::TlsRole::kServer);
    if (!material->cert_pem.empty()) {
      factory->loadCertificateFromBuffer(material->cert_pem.c_str());
      factory->loadPrivateKeyFromBuffer(material->key_pem.c_str());
      if (tls.reload_interval.count() > 0) {
        if (auto watched = factory->WatchIdentity(tls); !watched.ok()) return watched;
      }
    }
    if (!material->ca_pem.empty()) {
      factory->loadTrustedCertificatesFromBuffer(material->ca_pem.c_str());
    } else if (role == tls::TlsRole::kClient) {
      factory->TrustSystemRoots();
    }
    if (role == tls::TlsRole::kClient) {
      factory->authenticate(true);
      factory->access(std::make_shared<DefaultClientAccessManager>());
    } else {
      factory->authenticate(!material->ca_pem.empty());
    }
    return std::shared_ptr<TSSLSocketFactory>(std::move(factory));
  } catch (const apache::thrift::TException& e) {
    return InvalidArgument(std::string("thrift TLS setup failed: ") + e.what());
  }
}

}  // namespace maestro::thrift
