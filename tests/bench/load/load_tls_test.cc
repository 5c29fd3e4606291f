// The load generator over https: every request succeeds against a TLS server it trusts, and a server it cannot
// verify, or one that speaks no TLS, counts as connect errors, not as answers.
#include <gtest/gtest.h>

#include "bench/load/load_generator.h"
#include "net/http_server.h"
#include "tests/support/test_support.h"
#include "tls/development_ca.h"

namespace maestro::bench {
namespace {

using std::chrono::milliseconds;

class LoadTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tls::WriteDevelopmentCa(trusted_.path(), {}).ok());
    ASSERT_TRUE(tls::WriteDevelopmentCa(other_.path(), {}).ok());
  }

  // An HTTP server answering every request with 200 and "ok", over TLS when `tls` is set.
  std::unique_ptr<net::HttpServer> Serve(bool tls) {
    net::HttpServerOptions options{.threads = 1};
    if (tls) {
      options.tls = {.cert_file = (trusted_.path() / "maestro.crt").string(),
                     .key_file = (trusted_.path() / "maestro.key").string()};
    }
    auto server = net::HttpServer::Start(options, [](net::HttpRequest&&, const net::Respond& respond) {
      net::HttpResponse response{net::http::status::ok, 11};
      response.body() = "ok";
      respond(std::move(response));
    });
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    return std::move(server).value();
  }

  LoadConfig Config(uint16_t port, const std::filesystem::path& ca) const {
    LoadConfig config;
    config.url = "https://127.0.0.1:" + std::to_string(port) + "/";
    config.tls_ca = (ca / "ca.crt").string();
    config.method = "GET";
    config.vus = 4;
    config.warmup = milliseconds(100);
    config.duration = milliseconds(500);
    config.timeout = milliseconds(2000);
    return config;
  }

  testing::TempDir trusted_;
  testing::TempDir other_;
};

TEST_F(LoadTlsTest, EveryRequestSucceedsOverHttps) {
  auto server = Serve(true);
  auto summary = RunLoad(Config(server->port(), trusted_.path()));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_GT(summary->succeeded, 20u);
  EXPECT_EQ(summary->errors.total(), 0u);
}

TEST_F(LoadTlsTest, AServerSignedByAnotherCaIsAConnectError) {
  auto server = Serve(true);
  auto summary = RunLoad(Config(server->port(), other_.path()));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->succeeded, 0u);
  EXPECT_GT(summary->errors.connect, 0u);
}

TEST_F(LoadTlsTest, APlaintextServerIsAConnectError) {
  auto server = Serve(false);
  auto summary = RunLoad(Config(server->port(), trusted_.path()));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->succeeded, 0u);
  EXPECT_GT(summary->errors.connect, 0u);
}

TEST_F(LoadTlsTest, ACaWithAPlainUrlIsRefused) {
  LoadConfig config = Config(1, trusted_.path());
  config.url = "http://127.0.0.1:1/";
  EXPECT_EQ(RunLoad(config).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace maestro::bench
