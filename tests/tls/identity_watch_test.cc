#include "tls/identity_watch.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "tests/support/test_support.h"
#include "tests/transport/tls/test_certificates.h"
#include "tls/development_ca.h"

namespace maestro::tls {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using ContextPtr = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;
using testing::InstallByRename;
using testing::SerialOf;
using testing::SerialOfFile;

// A context for `method` presenting DIR/<name>.crt and requiring a peer certificate from DIR's CA.
ContextPtr Context(const SSL_METHOD* method, const fs::path& dir, const std::string& name) {
  ContextPtr context(SSL_CTX_new(method), SSL_CTX_free);
  EXPECT_EQ(SSL_CTX_use_certificate_chain_file(context.get(), (dir / (name + ".crt")).c_str()), 1);
  EXPECT_EQ(SSL_CTX_use_PrivateKey_file(context.get(), (dir / (name + ".key")).c_str(), SSL_FILETYPE_PEM), 1);
  EXPECT_EQ(SSL_CTX_load_verify_locations(context.get(), (dir / "ca.crt").c_str(), nullptr), 1);
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  return context;
}

// One handshake through a memory BIO pair. RETURNS the serials of the certificates each side received:
// {what the server saw of the client, what the client saw of the server}; empty if the handshake failed.
std::pair<std::string, std::string> Handshake(SSL_CTX* server_context, SSL_CTX* client_context) {
  std::unique_ptr<SSL, decltype(&SSL_free)> server(SSL_new(server_context), SSL_free);
  std::unique_ptr<SSL, decltype(&SSL_free)> client(SSL_new(client_context), SSL_free);
  BIO *server_bio = nullptr, *client_bio = nullptr;
  BIO_new_bio_pair(&server_bio, 0, &client_bio, 0);
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_accept_state(server.get());
  SSL_set_connect_state(client.get());
  for (int round = 0; round < 20; ++round) {
    const int client_done = SSL_do_handshake(client.get());
    const int server_done = SSL_do_handshake(server.get());
    if (client_done == 1 && server_done == 1) {
      X509* of_client = SSL_get1_peer_certificate(server.get());
      X509* of_server = SSL_get1_peer_certificate(client.get());
      std::pair<std::string, std::string> serials{SerialOf(of_client), SerialOf(of_server)};
      X509_free(of_client);
      X509_free(of_server);
      return serials;
    }
  }
  return {};
}

class IdentityWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(WriteDevelopmentCa(dir_, DevelopmentCaOptions{}).ok());
    fs::create_directory(dir_ / "issued");
    ASSERT_TRUE(IssueFromDevelopmentCa(dir_, "renewed", {}, dir_ / "issued", 30).ok());
    fs::copy_file(dir_ / "maestro.crt", dir_ / "watched.crt");
    fs::copy_file(dir_ / "maestro.key", dir_ / "watched.key");
    options_ = {.cert_file = (dir_ / "watched.crt").string(),
                .key_file = (dir_ / "watched.key").string(),
                .ca_file = (dir_ / "ca.crt").string(),
                .reload_interval = milliseconds(20)};
  }
  testing::TempDir temp_;
  const fs::path dir_ = temp_.path();
  TlsOptions options_;
};

// The client side: a client certificate renewed on disk is the one the next handshake presents (mutual TLS).
TEST_F(IdentityWatchTest, AClientPresentsItsRenewedCertificateOnTheNextHandshake) {
  auto server = Context(TLS_server_method(), dir_, "llm");
  auto client = Context(TLS_client_method(), dir_, "watched");
  ASSERT_TRUE(WatchIdentity(client.get(), options_).ok());
  EXPECT_EQ(Handshake(server.get(), client.get()).first, SerialOfFile(dir_ / "maestro.crt"));

  InstallByRename(dir_ / "issued" / "renewed.key", dir_ / "watched.key");
  InstallByRename(dir_ / "issued" / "renewed.crt", dir_ / "watched.crt");
  std::this_thread::sleep_for(milliseconds(40));
  EXPECT_EQ(Handshake(server.get(), client.get()).first, SerialOfFile(dir_ / "issued" / "renewed.crt"));
}

// The server side, and what is not taken: a certificate whose key is not beside it, or files that are gone.
TEST_F(IdentityWatchTest, AServerKeepsItsCertificateWhenTheRenewalDoesNotLoad) {
  auto server = Context(TLS_server_method(), dir_, "watched");
  auto client = Context(TLS_client_method(), dir_, "llm");
  ASSERT_TRUE(WatchIdentity(server.get(), options_).ok());
  const std::string first = SerialOfFile(dir_ / "maestro.crt");

  InstallByRename(dir_ / "issued" / "renewed.crt", dir_ / "watched.crt");  // the old key stays: not a pair
  std::this_thread::sleep_for(milliseconds(40));
  EXPECT_EQ(Handshake(server.get(), client.get()).second, first);
  fs::remove(dir_ / "watched.key");
  std::this_thread::sleep_for(milliseconds(40));
  EXPECT_EQ(Handshake(server.get(), client.get()).second, first);

  InstallByRename(dir_ / "issued" / "renewed.key", dir_ / "watched.key");  // now the pair is whole
  std::this_thread::sleep_for(milliseconds(40));
  EXPECT_EQ(Handshake(server.get(), client.get()).second, SerialOfFile(dir_ / "issued" / "renewed.crt"));
}

TEST_F(IdentityWatchTest, FilesThatDoNotLoadAtStartAreInvalidArgument) {
  auto context = Context(TLS_server_method(), dir_, "maestro");
  options_.key_file = (dir_ / "llm.key").string();
  EXPECT_EQ(WatchIdentity(context.get(), options_).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace maestro::tls
