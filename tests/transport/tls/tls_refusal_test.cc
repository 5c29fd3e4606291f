// What TLS must refuse, on every protocol: a peer that does not speak TLS, a server the client cannot verify, a
// client without an acceptable certificate, and bad certificate files. Each refusal is a typed error well
// before the call's deadline, never a hang.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "domain/blocking.h"
#include "engines/emulated/emulated_engines.h"
#include "tests/transport/tls/test_certificates.h"
#include "transport/transport.h"

namespace maestro::testing {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kBudget{8000};
// A refusal must come this much sooner than the deadline: it is the handshake failing, not the clock.
constexpr milliseconds kRefusedWithin{4000};

class TlsRefusalTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Serves the emulated LLM with `server_tls`. RETURNS its address.
  std::string Serve(const tls::TlsOptions& server_tls, const std::string& host = "127.0.0.1") {
    TransportOptions options;
    options.tls = server_tls;
    server_transport_ = CreateTransport(GetParam(), options).value();
    engine_ = emulated::CreateLanguageModel({}).value();
    auto served = server_transport_->ServeLlm(*engine_, host, 0);
    EXPECT_TRUE(served.ok()) << served.status().ToString();
    if (!served.ok()) return "";
    server_ = std::move(served).value();
    return host + ":" + std::to_string(server_->port());
  }

  // One Generate from a client with `client_tls`. RETURNS its result and how long it took.
  std::pair<Result<Generation>, milliseconds> Call(const std::string& address, const tls::TlsOptions& client_tls) {
    TransportOptions options;
    options.tls = client_tls;
    auto transport = CreateTransport(GetParam(), options).value();
    auto llm = transport->ConnectLlm(address);
    if (!llm.ok()) return {Result<Generation>(llm.status()), milliseconds(0)};
    const auto started = std::chrono::steady_clock::now();
    auto answer = GenerateBlocking(**llm, {.prompt = "hello"}, Deadline::In(kBudget));
    return {std::move(answer), std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started)};
  }

  void ExpectRefused(const std::pair<Result<Generation>, milliseconds>& outcome) {
    const auto& [answer, took] = outcome;
    ASSERT_FALSE(answer.ok()) << "the call went through";
    EXPECT_EQ(answer.status().code(), StatusCode::kUnavailable) << answer.status().ToString();
    EXPECT_LT(took, kRefusedWithin) << answer.status().ToString();
  }

  static tls::TlsOptions Trusted(const std::string& name) { return TlsFrom(TrustedCertificates(), name); }

  std::unique_ptr<Transport> server_transport_;
  std::unique_ptr<LanguageModel> engine_;
  std::unique_ptr<ServiceServer> server_;
};

TEST_P(TlsRefusalTest, MutualTlsClientIsServed) {
  auto [answer, took] = Call(Serve(Trusted("llm")), Trusted("maestro"));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_FALSE(answer->text.empty());
}

TEST_P(TlsRefusalTest, ServerWithoutCaServesClientsWithoutCertificates) {
  tls::TlsOptions server = Trusted("llm");
  server.ca_file.clear();
  auto [answer, took] = Call(Serve(server), tls::TlsOptions{.ca_file = Trusted("llm").ca_file});
  EXPECT_TRUE(answer.ok()) << answer.status().ToString();
}

TEST_P(TlsRefusalTest, PlaintextClientAgainstTlsServerFailsCleanly) {
  ExpectRefused(Call(Serve(Trusted("llm")), tls::TlsOptions{}));
}

TEST_P(TlsRefusalTest, TlsClientAgainstPlaintextServerFailsCleanly) {
  ExpectRefused(Call(Serve(tls::TlsOptions{}), Trusted("maestro")));
}

TEST_P(TlsRefusalTest, ClientTrustingAnotherCaRefusesTheServer) {
  tls::TlsOptions client = Trusted("maestro");
  client.ca_file = TlsFrom(OtherCertificates(), "maestro").ca_file;
  ExpectRefused(Call(Serve(Trusted("llm")), client));
}

TEST_P(TlsRefusalTest, ClientWithoutCertificateIsRefusedUnderMutualTls) {
  ExpectRefused(Call(Serve(Trusted("llm")), tls::TlsOptions{.ca_file = Trusted("maestro").ca_file}));
}

TEST_P(TlsRefusalTest, ClientCertificateFromAnotherCaIsRefused) {
  tls::TlsOptions client = TlsFrom(OtherCertificates(), "maestro");
  client.ca_file = Trusted("maestro").ca_file;
  ExpectRefused(Call(Serve(Trusted("llm")), client));
}

// The certificates name 127.0.0.1, ::1 and localhost; a server reached at 127.0.0.2 is not the one they name.
TEST_P(TlsRefusalTest, ServerCertificateMustNameTheAddressDialled) {
  ExpectRefused(Call(Serve(Trusted("llm"), "127.0.0.2"), Trusted("maestro")));
}

TEST_P(TlsRefusalTest, BadFilesAreInvalidArgumentAtStart) {
  const auto& dir = TrustedCertificates();
  const std::string not_pem = (dir / "not-pem.txt").string();
  std::ofstream(not_pem) << "not a certificate\n";
  const std::vector<tls::TlsOptions> bad = {
      {.cert_file = (dir / "missing.crt").string(), .key_file = (dir / "llm.key").string()},
      {.cert_file = (dir / "llm.crt").string(), .key_file = (dir / "tts.key").string()},  // not its key
      {.cert_file = not_pem, .key_file = (dir / "llm.key").string()},
      {.cert_file = (dir / "llm.crt").string()},  // no key
      {.cert_file = (dir / "llm.crt").string(), .key_file = (dir / "llm.key").string(), .ca_file = not_pem},
  };
  auto engine = emulated::CreateLanguageModel({}).value();
  for (const auto& files : bad) {
    TransportOptions options;
    options.tls = files;
    auto transport = CreateTransport(GetParam(), options).value();
    auto served = transport->ServeLlm(*engine, "127.0.0.1", 0);
    EXPECT_EQ(served.status().code(), StatusCode::kInvalidArgument) << files.cert_file << " " << files.key_file;
    auto connected = transport->ConnectLlm("127.0.0.1:9");
    EXPECT_EQ(connected.status().code(), StatusCode::kInvalidArgument) << files.cert_file << " " << files.key_file;
  }
  TransportOptions key_only;
  key_only.tls.ca_file = (dir / "missing-ca.crt").string();
  auto transport = CreateTransport(GetParam(), key_only).value();
  EXPECT_EQ(transport->ConnectLlm("127.0.0.1:9").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(transport->ServeLlm(*engine, "127.0.0.1", 0).status().code(), StatusCode::kInvalidArgument)
      << "a server needs a certificate";
}

INSTANTIATE_TEST_SUITE_P(Protocols, TlsRefusalTest, ::testing::Values("rest", "grpc", "thrift"));

}  // namespace
}  // namespace maestro::testing
