#include "tls/development_ca.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>

namespace maestro::tls {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

bool IsIpAddress(const std::string& name) {
  unsigned char address[16];
  return inet_pton(AF_INET, name.c_str(), address) == 1 || inet_pton(AF_INET6, name.c_str(), address) == 1;
}

// A DNS label sequence or an IP address, nothing that could smuggle another SAN entry or a config directive.
bool IsValidName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  if (IsIpAddress(name)) return true;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return true;
}

Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (extension == nullptr) return Internal("openssl: cannot make extension " + value);
  const int added = X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
  return added == 1 ? Status::Ok() : Internal("openssl: cannot add extension " + value);
}

// A certificate for `key` named `common_name`, signed by `issuer_key` (itself when `issuer` is null: the CA).
Result<Cert> MakeCertificate(EVP_PKEY* key, const std::string& common_name, X509* issuer, EVP_PKEY* issuer_key,
                             const std::string& subject_alt_names, int valid_days) {
  Cert cert(X509_new());
  if (!cert) return Internal("openssl: X509_new failed");
  X509_set_version(cert.get(), 2);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(BN_new(), BN_free);
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return Internal("openssl: cannot make a serial number");
  }
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * valid_days);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Maestro development"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                             -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  const bool is_ca = issuer == nullptr;
  for (const auto& [nid, value] : std::vector<std::pair<int, std::string>>{
           {NID_basic_constraints, is_ca ? "critical,CA:TRUE,pathlen:0" : "critical,CA:FALSE"},
           {NID_key_usage, is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment"},
           {NID_subject_key_identifier, "hash"},
           {NID_authority_key_identifier, "keyid:always"}}) {
    if (auto status = AddExtension(cert.get(), signer, nid, value); !status.ok()) return status;
  }
  if (!is_ca) {
    for (const auto& [nid, value] : std::vector<std::pair<int, std::string>>{
             {NID_ext_key_usage, "serverAuth,clientAuth"}, {NID_subject_alt_name, subject_alt_names}}) {
      if (auto status = AddExtension(cert.get(), signer, nid, value); !status.ok()) return status;
    }
  }
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return Internal("openssl: cannot sign " + common_name);
  return cert;
}

// Writes a new file (O_EXCL: never one that appeared meanwhile), secret ones readable by their owner only.
Status WritePem(const std::filesystem::path& path, bool secret, const std::function<int(BIO*)>& write) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) return Internal("openssl: cannot encode " + path.string());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, secret ? 0600 : 0644);
  if (fd < 0) return Internal("cannot create " + path.string() + ": " + std::strerror(errno));
  const bool whole = ::write(fd, data, static_cast<size_t>(size)) == size;
  const bool closed = ::close(fd) == 0;
  return whole && closed ? Status::Ok() : Internal("cannot write " + path.string());
}

Status WritePair(const std::filesystem::path& dir, const std::string& stem, X509* cert, EVP_PKEY* key,
                 std::vector<std::filesystem::path>& written) {
  const auto cert_path = dir / (stem + ".crt");
  const auto key_path = dir / (stem + ".key");
  if (auto status = WritePem(
          key_path, true,
          [key](BIO* bio) { return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr); });
      !status.ok()) {
    return status;
  }
  if (auto status = WritePem(cert_path, false, [cert](BIO* bio) { return PEM_write_bio_X509(bio, cert); });
      !status.ok()) {
    return status;
  }
  written.push_back(cert_path);
  written.push_back(key_path);
  return Status::Ok();
}

std::string SubjectAltNames(const std::string& service, const std::vector<std::string>& extra_names) {
  std::string names = "DNS:" + service + ",DNS:localhost,IP:127.0.0.1,IP:::1";
  for (const auto& name : extra_names) names += (IsIpAddress(name) ? ",IP:" : ",DNS:") + name;
  return names;
}

// Reads a PEM file with `read` (PEM_read_bio_X509 or PEM_read_bio_PrivateKey). RETURNS null when it cannot.
template <typename T, typename Read>
T* ReadPem(const std::filesystem::path& path, Read read) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_file(path.c_str(), "r"));
  return bio ? read(bio.get(), nullptr, nullptr, nullptr) : nullptr;
}

}  // namespace

Result<std::vector<std::filesystem::path>> IssueFromDevelopmentCa(const std::filesystem::path& ca_dir,
                                                                  const std::string& name,
                                                                  const std::vector<std::string>& extra_names,
                                                                  const std::filesystem::path& out_dir,
                                                                  int valid_days) {
  if (!IsValidName(name) || IsIpAddress(name) || name == "ca") {
    return InvalidArgument("'" + name + "' is not a service name (letters, digits, '-', '.')");
  }
  for (const auto& extra : extra_names) {
    if (!IsValidName(extra)) return InvalidArgument("'" + extra + "' is neither a DNS name nor an IP address");
  }
  if (valid_days < 1 || valid_days > 3650) return InvalidArgument("valid days must be 1..3650");
  for (const char* extension : {".crt", ".key"}) {
    if (std::filesystem::exists(out_dir / (name + extension))) {
      return InvalidArgument((out_dir / (name + extension)).string() + " exists; nothing was overwritten");
    }
  }
  Cert ca(ReadPem<X509>(ca_dir / "ca.crt", PEM_read_bio_X509));
  Key ca_key(ReadPem<EVP_PKEY>(ca_dir / "ca.key", PEM_read_bio_PrivateKey));
  if (!ca || !ca_key || X509_check_private_key(ca.get(), ca_key.get()) != 1) {
    return Unavailable((ca_dir / "ca.key").string() +
                       ": no development CA key matching ca.crt (make DIR with: maestro certs init DIR)");
  }
  Key key(EVP_EC_gen("P-256"));
  if (!key) return Internal("openssl: cannot make a P-256 key");
  auto cert = MakeCertificate(key.get(), name, ca.get(), ca_key.get(), SubjectAltNames(name, extra_names), valid_days);
  if (!cert.ok()) return cert.status();
  std::vector<std::filesystem::path> written;
  if (auto status = WritePair(out_dir, name, cert->get(), key.get(), written); !status.ok()) return status;
  return written;
}

Result<std::vector<std::filesystem::path>> WriteDevelopmentCa(const std::filesystem::path& dir,
                                                              const DevelopmentCaOptions& options) {
  if (options.services.empty()) return InvalidArgument("name at least one service");
  if (options.valid_days < 1 || options.valid_days > 3650) return InvalidArgument("valid days must be 1..3650");
  std::vector<std::string> stems = {"ca"};
  for (const auto& service : options.services) {
    if (!IsValidName(service) || IsIpAddress(service) || service == "ca") {
      return InvalidArgument("'" + service + "' is not a service name (letters, digits, '-', '.')");
    }
    stems.push_back(service);
  }
  for (const auto& name : options.extra_names) {
    if (!IsValidName(name)) return InvalidArgument("'" + name + "' is neither a DNS name nor an IP address");
  }
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return InvalidArgument("cannot create " + dir.string() + ": " + error.message());
  for (const auto& stem : stems) {
    for (const char* extension : {".crt", ".key"}) {
      if (std::filesystem::exists(dir / (stem + extension))) {
        return InvalidArgument((dir / (stem + extension)).string() + " exists; nothing was overwritten");
      }
    }
  }
  std::vector<std::filesystem::path> written;
  Key ca_key(EVP_EC_gen("P-256"));
  if (!ca_key) return Internal("openssl: cannot make a P-256 key");
  auto ca = MakeCertificate(ca_key.get(), "Maestro development CA", nullptr, ca_key.get(), "", options.valid_days);
  if (!ca.ok()) return ca.status();
  if (auto status = WritePair(dir, "ca", ca->get(), ca_key.get(), written); !status.ok()) return status;
  for (const auto& service : options.services) {
    Key key(EVP_EC_gen("P-256"));
    if (!key) return Internal("openssl: cannot make a P-256 key");
    auto cert = MakeCertificate(key.get(), service, ca->get(), ca_key.get(),
                                SubjectAltNames(service, options.extra_names), options.valid_days);
    if (!cert.ok()) return cert.status();
    if (auto status = WritePair(dir, service, cert->get(), key.get(), written); !status.ok()) return status;
  }
  return written;
}

}  // namespace maestro::tls
