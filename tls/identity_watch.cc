#include "tls/identity_watch.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <memory>
#include <mutex>

#include "tls/renewal_check.h"

namespace maestro::tls {
namespace {

using Clock = std::chrono::steady_clock;

// A certificate, the chain that follows it in its file, and its key: what one handshake presents.
class Identity {
 public:
  Identity(X509* cert, STACK_OF(X509) * chain, EVP_PKEY* key) : cert_(cert), chain_(chain), key_(key) {}
  ~Identity() {
    X509_free(cert_);
    sk_X509_pop_free(chain_, X509_free);
    EVP_PKEY_free(key_);
  }
  Identity(const Identity&) = delete;
  Identity& operator=(const Identity&) = delete;

  // RETURNS false if OpenSSL refused a part (the handshake must then fail rather than present a mixed pair).
  bool PresentOn(SSL* ssl) const {
    return SSL_use_certificate(ssl, cert_) == 1 && SSL_use_PrivateKey(ssl, key_) == 1 &&
           SSL_set1_chain(ssl, chain_) == 1;
  }

 private:
  X509* cert_;
  STACK_OF(X509) * chain_;
  EVP_PKEY* key_;
};

Result<std::shared_ptr<const Identity>> ParseIdentity(const TlsMaterial& material) {
  BIO* certs = BIO_new_mem_buf(material.cert_pem.data(), static_cast<int>(material.cert_pem.size()));
  X509* cert = PEM_read_bio_X509(certs, nullptr, nullptr, nullptr);
  STACK_OF(X509)* chain = sk_X509_new_null();
  while (X509* next = PEM_read_bio_X509(certs, nullptr, nullptr, nullptr)) sk_X509_push(chain, next);
  BIO_free(certs);
  BIO* key_bio = BIO_new_mem_buf(material.key_pem.data(), static_cast<int>(material.key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  ERR_clear_error();  // the certificate loop ends on "no start line"
  auto identity = std::make_shared<const Identity>(cert, chain, key);
  if (cert == nullptr || key == nullptr) return InvalidArgument("TLS: the renewed certificate or key does not parse");
  return identity;
}

class IdentityWatch {
 public:
  explicit IdentityWatch(TlsOptions options)
      : check_(std::move(options)), next_check_(Clock::now() + check_.options().reload_interval) {}

  // RETURNS the pair to present, or null while the context's own (the one read at start) is current.
  std::shared_ptr<const Identity> Current() {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (now >= next_check_) {
      next_check_ = now + check_.options().reload_interval;
      if (auto renewed = check_.Renewed()) {
        auto identity = ParseIdentity(*renewed);
        if (identity.ok()) renewed_ = std::move(identity).value();
      }
    }
    return renewed_;
  }

 private:
  std::mutex mutex_;
  RenewalCheck check_;
  Clock::time_point next_check_;
  std::shared_ptr<const Identity> renewed_;
};

int PresentCurrentIdentity(SSL* ssl, void* watch) {
  auto renewed = static_cast<IdentityWatch*>(watch)->Current();
  return renewed == nullptr || renewed->PresentOn(ssl) ? 1 : 0;
}

void FreeWatch(void* /*context*/, void* watch, CRYPTO_EX_DATA* /*data*/, int /*index*/, long /*argl*/, void* /*argp*/) {
  delete static_cast<IdentityWatch*>(watch);
}

int WatchIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeWatch);
  return index;
}

}  // namespace

Status WatchIdentity(SSL_CTX* context, const TlsOptions& options) {
  if (auto material = LoadTlsMaterial(options, TlsRole::kServer); !material.ok()) return material.status();
  auto watch = std::make_unique<IdentityWatch>(options);
  if (WatchIndex() < 0 || SSL_CTX_set_ex_data(context, WatchIndex(), watch.get()) != 1) {
    return Internal("TLS: OpenSSL refused the certificate watch");
  }
  SSL_CTX_set_cert_cb(context, PresentCurrentIdentity, watch.release());
  return Status::Ok();
}

}  // namespace maestro::tls
