#include "tls/tls_options.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace maestro::tls {
namespace {

constexpr size_t kMaxPemBytes = size_t{1} << 20;  // a certificate chain or CA bundle far larger is not PEM we use

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

Status Bad(const std::string& flag, const std::string& path, const std::string& why) {
  return InvalidArgument(flag + " " + path + ": " + why);
}

Result<std::string> ReadPem(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Bad(flag, path, "cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  std::string pem = std::move(text).str();
  if (pem.size() > kMaxPemBytes) return Bad(flag, path, "larger than 1 MiB");
  if (pem.find("-----BEGIN ") == std::string::npos) return Bad(flag, path, "is not PEM");
  return pem;
}

std::unique_ptr<BIO, BioFree> MemoryBio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// RETURNS the first certificate in `pem` and how many it holds.
std::pair<std::unique_ptr<X509, CertFree>, int> ParseCertificates(const std::string& pem) {
  auto bio = MemoryBio(pem);
  std::unique_ptr<X509, CertFree> first;
  int count = 0;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    if (!first) {
      first.reset(cert);
    } else {
      X509_free(cert);
    }
    ++count;
  }
  ERR_clear_error();  // the loop ends on "no start line", which is not an error worth keeping
  return {std::move(first), count};
}

}  // namespace

Result<TlsMaterial> LoadTlsMaterial(const TlsOptions& options, TlsRole role) {
  if (role == TlsRole::kServer && options.cert_file.empty()) {
    return InvalidArgument("TLS server needs --tls-cert and --tls-key");
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return InvalidArgument(options.cert_file.empty() ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
  }
  TlsMaterial material;
  if (!options.cert_file.empty()) {
    auto cert_pem = ReadPem("--tls-cert", options.cert_file);
    if (!cert_pem.ok()) return cert_pem.status();
    auto key_pem = ReadPem("--tls-key", options.key_file);
    if (!key_pem.ok()) return key_pem.status();
    auto [cert, count] = ParseCertificates(*cert_pem);
    if (!cert) return Bad("--tls-cert", options.cert_file, "holds no certificate");
    auto key_bio = MemoryBio(*key_pem);
    std::unique_ptr<EVP_PKEY, KeyFree> key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
    if (!key) return Bad("--tls-key", options.key_file, "holds no unencrypted private key");
    if (X509_check_private_key(cert.get(), key.get()) != 1) {
      ERR_clear_error();
      return Bad("--tls-key", options.key_file, "does not match the certificate in " + options.cert_file);
    }
    material.cert_pem = std::move(cert_pem).value();
    material.key_pem = std::move(key_pem).value();
  }
  if (!options.ca_file.empty()) {
    auto ca_pem = ReadPem("--tls-ca", options.ca_file);
    if (!ca_pem.ok()) return ca_pem.status();
    if (ParseCertificates(*ca_pem).second == 0) return Bad("--tls-ca", options.ca_file, "holds no certificate");
    material.ca_pem = std::move(ca_pem).value();
  }
  return material;
}

}  // namespace maestro::tls
