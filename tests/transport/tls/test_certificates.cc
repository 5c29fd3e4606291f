#include "tests/transport/tls/test_certificates.h"

#include <openssl/bn.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "tls/development_ca.h"

namespace maestro::testing {
namespace {

namespace fs = std::filesystem;

// A folder with a fresh development CA, removed when the test binary exits.
class CertificateFolder {
 public:
  explicit CertificateFolder(const std::string& tag) {
    std::string pattern = (fs::temp_directory_path() / ("maestro-tls-" + tag + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
    auto written = tls::WriteDevelopmentCa(path_, tls::DevelopmentCaOptions{});
    if (!written.ok()) throw std::runtime_error(written.status().ToString());
  }
  ~CertificateFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

const fs::path& TrustedCertificates() {
  static const CertificateFolder folder("trusted");
  return folder.path();
}

const fs::path& OtherCertificates() {
  static const CertificateFolder folder("other");
  return folder.path();
}

tls::TlsOptions TlsFrom(const fs::path& dir, const std::string& name) {
  return tls::TlsOptions{.cert_file = (dir / (name + ".crt")).string(),
                         .key_file = (dir / (name + ".key")).string(),
                         .ca_file = (dir / "ca.crt").string()};
}

TransportOptions WithMutualTls(TransportOptions options, const std::string& name) {
  options.tls = TlsFrom(TrustedCertificates(), name);
  return options;
}

void InstallByRename(const fs::path& from, const fs::path& to) {
  const fs::path staged = to.string() + ".new";
  fs::copy_file(from, staged, fs::copy_options::overwrite_existing);
  fs::rename(staged, to);
}

std::string SerialOf(X509* cert) {
  if (cert == nullptr) return "";
  BIGNUM* number = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr);
  char* hex = BN_bn2hex(number);
  std::string serial = hex;
  OPENSSL_free(hex);
  BN_free(number);
  return serial;
}

std::string SerialOfFile(const fs::path& path) {
  FILE* file = fopen(path.c_str(), "r");
  if (file == nullptr) return "";
  X509* cert = PEM_read_X509(file, nullptr, nullptr, nullptr);
  fclose(file);
  std::string serial = SerialOf(cert);
  X509_free(cert);
  return serial;
}

}  // namespace maestro::testing
