// A service whose certificate files are renewed presents the new certificate on new connections without a
// restart, on every protocol, and keeps serving clients; a renewal that does not load (a key of another
// certificate) leaves the previous certificate in use.
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "domain/blocking.h"
#include "engines/emulated/emulated_engines.h"
#include "tests/support/test_support.h"
#include "tests/transport/tls/test_certificates.h"
#include "tls/development_ca.h"
#include "transport/transport.h"

namespace maestro::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// RETURNS the serial number of the certificate the server at 127.0.0.1:`port` presents in a fresh TLS handshake
// with `client`'s certificate (ALPN h2, which gRPC asks for), or "" if the handshake failed.
std::string PresentedSerial(int port, const tls::TlsOptions& client) {
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  SSL_CTX_use_certificate_chain_file(context, client.cert_file.c_str());
  SSL_CTX_use_PrivateKey_file(context, client.key_file.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_load_verify_locations(context, client.ca_file.c_str(), nullptr);
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  static const unsigned char kAlpn[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(context, kAlpn, sizeof(kAlpn));
  BIO* connection = BIO_new_ssl_connect(context);
  BIO_set_conn_hostname(connection, ("127.0.0.1:" + std::to_string(port)).c_str());
  std::string serial;
  if (BIO_do_handshake(connection) == 1) {
    SSL* ssl = nullptr;
    BIO_get_ssl(connection, &ssl);
    X509* peer = SSL_get1_peer_certificate(ssl);
    serial = SerialOf(peer);
    X509_free(peer);
  }
  BIO_free_all(connection);
  SSL_CTX_free(context);
  return serial;
}

class CertificateReloadTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const auto& trusted = TrustedCertificates();
    fs::copy_file(trusted / "llm.crt", dir_ / "served.crt");
    fs::copy_file(trusted / "llm.key", dir_ / "served.key");
    fs::create_directory(dir_ / "issued");
    ASSERT_TRUE(tls::IssueFromDevelopmentCa(trusted, "renewed", {}, dir_ / "issued", 30).ok());
  }
  // Serves the emulated LLM from served.crt/.key, checked for renewal every 100 ms (gRPC: every second).
  int Serve() {
    TransportOptions options;
    options.tls = {.cert_file = (dir_ / "served.crt").string(),
                   .key_file = (dir_ / "served.key").string(),
                   .ca_file = (TrustedCertificates() / "ca.crt").string(),
                   .reload_interval = milliseconds(100)};
    server_transport_ = CreateTransport(GetParam(), options).value();
    engine_ = emulated::CreateLanguageModel({}).value();
    auto served = server_transport_->ServeLlm(*engine_, "127.0.0.1", 0);
    EXPECT_TRUE(served.ok()) << served.status().ToString();
    if (!served.ok()) return 0;
    server_ = std::move(served).value();
    return server_->port();
  }

  // One Generate over a new client, trusting the CA. RETURNS its status.
  Status Call(int port) {
    TransportOptions options;
    options.tls = TlsFrom(TrustedCertificates(), "maestro");
    auto transport = CreateTransport(GetParam(), options).value();
    auto llm = transport->ConnectLlm("127.0.0.1:" + std::to_string(port));
    if (!llm.ok()) return llm.status();
    return GenerateBlocking(**llm, {.prompt = "hello"}, Deadline::In(milliseconds(8000))).status();
  }

  // RETURNS the serial presented once it is `expected`, or the last one seen after 5 s.
  static std::string AwaitPresented(int port, const std::string& expected) {
    std::string seen;
    WaitUntil(
        [&] {
          seen = PresentedSerial(port, TlsFrom(TrustedCertificates(), "maestro"));
          return seen == expected;
        },
        std::chrono::seconds(5));
    return seen;
  }

  testing::TempDir temp_;
  const fs::path dir_ = temp_.path();
  std::unique_ptr<Transport> server_transport_;
  std::unique_ptr<LanguageModel> engine_;
  std::unique_ptr<ServiceServer> server_;
};

TEST_P(CertificateReloadTest, ARenewedCertificateIsPresentedWithoutARestart) {
  const int port = Serve();
  ASSERT_GT(port, 0);
  const std::string first = SerialOfFile(TrustedCertificates() / "llm.crt");
  const std::string renewed = SerialOfFile(dir_ / "issued" / "renewed.crt");
  ASSERT_NE(first, renewed);
  EXPECT_EQ(PresentedSerial(port, TlsFrom(TrustedCertificates(), "maestro")), first);
  EXPECT_TRUE(Call(port).ok());

  InstallByRename(dir_ / "issued" / "renewed.key", dir_ / "served.key");
  InstallByRename(dir_ / "issued" / "renewed.crt", dir_ / "served.crt");
  EXPECT_EQ(AwaitPresented(port, renewed), renewed);
  auto after = Call(port);
  EXPECT_TRUE(after.ok()) << after.ToString();
}

TEST_P(CertificateReloadTest, ARenewalThatDoesNotLoadKeepsThePreviousCertificate) {
  const int port = Serve();
  ASSERT_GT(port, 0);
  const std::string first = SerialOfFile(TrustedCertificates() / "llm.crt");
  InstallByRename(dir_ / "issued" / "renewed.crt", dir_ / "served.crt");  // its key is not served.key
  std::this_thread::sleep_for(milliseconds(2500));                        // two checks even at gRPC's one second
  EXPECT_EQ(PresentedSerial(port, TlsFrom(TrustedCertificates(), "maestro")), first);
  auto kept = Call(port);
  EXPECT_TRUE(kept.ok()) << kept.ToString();
}

INSTANTIATE_TEST_SUITE_P(Protocols, CertificateReloadTest, ::testing::Values("rest", "grpc", "thrift"));

}  // namespace
}  // namespace maestro::testing
