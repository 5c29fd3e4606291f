#include "tls/development_ca.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <memory>

#include "tests/support/test_support.h"

namespace maestro::tls {
namespace {

namespace fs = std::filesystem;

// The server side of `service` and a client that trusts only the CA, both holding their own certificate (mutual
// TLS), handshaking through a memory BIO pair. RETURNS "" on success, else what OpenSSL said.
std::string Handshake(const fs::path& dir, const std::string& server, const std::string& client,
                      const std::string& expected_host) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> server_ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> client_ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  for (auto& [ctx, name] : {std::pair{server_ctx.get(), server}, std::pair{client_ctx.get(), client}}) {
    if (SSL_CTX_use_certificate_file(ctx, (dir / (name + ".crt")).c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, (dir / (name + ".key")).c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_load_verify_locations(ctx, (dir / "ca.crt").c_str(), nullptr) != 1) {
      return "cannot load the files of " + name;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  std::unique_ptr<SSL, decltype(&SSL_free)> server_ssl(SSL_new(server_ctx.get()), SSL_free);
  std::unique_ptr<SSL, decltype(&SSL_free)> client_ssl(SSL_new(client_ctx.get()), SSL_free);
  SSL_set1_host(client_ssl.get(), expected_host.c_str());
  BIO *server_bio = nullptr, *client_bio = nullptr;
  BIO_new_bio_pair(&server_bio, 0, &client_bio, 0);
  SSL_set_bio(server_ssl.get(), server_bio, server_bio);
  SSL_set_bio(client_ssl.get(), client_bio, client_bio);
  SSL_set_accept_state(server_ssl.get());
  SSL_set_connect_state(client_ssl.get());
  for (int round = 0; round < 20; ++round) {
    const int client_done = SSL_do_handshake(client_ssl.get());
    const int server_done = SSL_do_handshake(server_ssl.get());
    if (client_done == 1 && server_done == 1) return "";
    const int client_error = SSL_get_error(client_ssl.get(), client_done);
    const int server_error = SSL_get_error(server_ssl.get(), server_done);
    const bool waiting = (client_done == 1 || client_error == SSL_ERROR_WANT_READ) &&
                         (server_done == 1 || server_error == SSL_ERROR_WANT_READ);
    if (!waiting) {
      const long verify = SSL_get_verify_result(client_ssl.get());
      return std::string("handshake failed: ") + X509_verify_cert_error_string(verify);
    }
  }
  return "handshake did not finish";
}

TEST(DevelopmentCaTest, EachServiceHandshakesMutualTlsWithTheOthersByName) {
  testing::TempDir dir;
  auto written = WriteDevelopmentCa(dir.path(), {.extra_names = {"maestro.example", "198.18.0.5"}});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->size(), 10u);
  for (const char* key : {"ca.key", "stt.key", "maestro.key"}) {
    struct stat info {};
    ASSERT_EQ(stat((dir.path() / key).c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u) << key;
  }
  EXPECT_EQ(Handshake(dir.path(), "stt", "maestro", "stt"), "");
  EXPECT_EQ(Handshake(dir.path(), "llm", "maestro", "localhost"), "");
  EXPECT_EQ(Handshake(dir.path(), "tts", "maestro", "maestro.example"), "");
  // The wrong name is refused: a certificate speaks only for its own service.
  EXPECT_NE(Handshake(dir.path(), "stt", "maestro", "llm"), "");
}

TEST(DevelopmentCaTest, AnotherCaIsNotTrusted) {
  testing::TempDir first, second;
  ASSERT_TRUE(WriteDevelopmentCa(first.path(), {}).ok());
  ASSERT_TRUE(WriteDevelopmentCa(second.path(), {}).ok());
  fs::copy_file(second.path() / "stt.crt", first.path() / "rogue.crt");
  fs::copy_file(second.path() / "stt.key", first.path() / "rogue.key");
  EXPECT_NE(Handshake(first.path(), "rogue", "maestro", "stt"), "");
}

TEST(DevelopmentCaTest, NothingIsOverwrittenAndBadNamesAreRefused) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteDevelopmentCa(dir.path(), {}).ok());
  const std::string ca = testing::ReadFile(dir.path() / "ca.crt");
  auto again = WriteDevelopmentCa(dir.path(), {});
  EXPECT_EQ(again.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(testing::ReadFile(dir.path() / "ca.crt"), ca);
  testing::TempDir other;
  EXPECT_EQ(WriteDevelopmentCa(other.path(), {.services = {"stt,DNS:evil"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteDevelopmentCa(other.path(), {.extra_names = {"a b"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteDevelopmentCa(other.path(), {.services = {}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(other.path() / "ca.crt"));
}

// A certificate issued later from the same CA names what it was given and is trusted like the first ones; a folder
// without the CA key (another PKI) is a clear error.
TEST(DevelopmentCaTest, MoreCertificatesAreIssuedFromTheSameCa) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteDevelopmentCa(dir.path(), {}).ok());
  auto issued = IssueFromDevelopmentCa(dir.path(), "stt0", {"stt.example"}, dir.path(), 1);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->size(), 2u);
  EXPECT_EQ(Handshake(dir.path(), "stt0", "maestro", "stt.example"), "");
  EXPECT_EQ(Handshake(dir.path(), "stt0", "maestro", "stt0"), "");
  EXPECT_NE(Handshake(dir.path(), "stt0", "maestro", "stt"), "") << "it names only what it was given";
  EXPECT_EQ(IssueFromDevelopmentCa(dir.path(), "stt0", {}, dir.path(), 1).status().code(), StatusCode::kInvalidArgument)
      << "nothing is overwritten";
  EXPECT_EQ(IssueFromDevelopmentCa(dir.path(), "x", {"a b"}, dir.path(), 1).status().code(),
            StatusCode::kInvalidArgument);
  fs::remove(dir.path() / "ca.key");
  EXPECT_EQ(IssueFromDevelopmentCa(dir.path(), "llm0", {}, dir.path(), 1).status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace maestro::tls
