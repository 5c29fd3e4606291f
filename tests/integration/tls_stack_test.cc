// `maestro up --tls --certs DIR` as a user runs it, checked from outside with independent clients: curl and
// Python's ssl module speak HTTPS to the front door trusting only DIR/ca.crt, and the services refuse a client
// without a certificate from that CA (mutual TLS).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <regex>
#include <string>

#include "tests/support/maestro_process.h"
#include "tests/support/test_support.h"

namespace maestro {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string output;
  std::chrono::milliseconds took{0};
};

// Runs `command` through the shell. RETURNS its exit code, stdout and duration.
Outcome RunShell(const std::string& command) {
  Outcome outcome;
  const auto started = std::chrono::steady_clock::now();
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return outcome;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) outcome.output.append(buffer, n);
  const int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return outcome;
}

// RETURNS `words` joined by spaces: a shell command line.
std::string Join(const std::vector<std::string>& words) {
  std::string line;
  for (const auto& word : words) line += (line.empty() ? "" : " ") + word;
  return line;
}

// `maestro certs init` into a fresh folder, then `maestro up --tls` over `protocol` with emulated engines.
class TlsStackTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (testing::MaestroBinary().empty()) GTEST_FAIL() << "the maestro binary was not built";
    certs_ = (dir_.path() / "certs").string();
    testing::MaestroProcess certs({"certs", "init", certs_});
    ASSERT_EQ(certs.Wait(), 0) << certs.seen;
    up_ = std::make_unique<testing::MaestroProcess>(
        std::vector<std::string>{"up", "--tls", "--certs", certs_, "--protocol", GetParam(), "--engines", "emulated",
                                 "--port", "0", "--tls-reload", "200ms"});
    ASSERT_TRUE(up_->WaitFor("Ctrl-C stops everything")) << up_->seen;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(up_->seen, match, std::regex("Maestro is up at (https://127\\.0\\.0\\.1:(\\d+))")))
        << up_->seen;
    url_ = match[1];
    port_ = match[2];
  }

  // curl with a bounded time, trusting only the development CA unless `trust` says otherwise.
  std::string Curl(const std::string& arguments, const std::string& trust = "") const {
    return "curl -sS --max-time 20 " + (trust.empty() ? "--cacert " + certs_ + "/ca.crt" : trust) + " " + arguments;
  }

  testing::TempDir dir_;
  std::string certs_;
  std::unique_ptr<testing::MaestroProcess> up_;
  std::string url_;
  std::string port_;
};

TEST_P(TlsStackTest, CurlGetsAnAnswerOverHttpsTrustingTheDevelopmentCa) {
  const auto question = dir_.path() / "q.wav";
  const auto answer = dir_.path() / "answer.wav";
  testing::WriteFile(question, testing::ToneWav(4));
  auto posted =
      RunShell(Curl("-w '%{http_code}' -F file=@" + question.string() + " " + url_ + "/assist -o " + answer.string()));
  ASSERT_EQ(posted.exit_code, 0) << posted.output;
  EXPECT_EQ(posted.output, "200");
  // The emulated TTS speaks 10 s at 22.05 kHz, 16-bit mono, plus the 44-byte header.
  EXPECT_EQ(testing::ReadFile(answer).size(), 44u + 10 * 22050 * 2);
}

TEST_P(TlsStackTest, ClientsThatDoNotTrustTheCaOrSpeakPlainHttpAreRefused) {
  const std::string other = (dir_.path() / "other").string();
  testing::MaestroProcess init({"certs", "init", other});
  ASSERT_EQ(init.Wait(), 0) << init.seen;
  auto untrusted = RunShell(Curl("-o /dev/null " + url_ + "/readyz", "--cacert " + other + "/ca.crt"));
  EXPECT_EQ(untrusted.exit_code, 60) << "curl's code for a server certificate it cannot verify";
  auto plain = RunShell(Curl("-o /dev/null -w '%{http_code}' http://127.0.0.1:" + port_ + "/readyz"));
  EXPECT_NE(plain.exit_code, 0) << plain.output;
  EXPECT_LT(plain.took, std::chrono::seconds(10)) << "a plaintext client must be refused, not left hanging";
}

// Python's own TLS stack (OpenSSL through the ssl module) as a second independent client, by host name.
TEST_P(TlsStackTest, PythonSslClientAsksInWriting) {
  const std::string script =
      "import http.client, json, ssl, sys\n"
      "context = ssl.create_default_context(cafile=sys.argv[1])\n"
      "connection = http.client.HTTPSConnection('localhost', int(sys.argv[2]), context=context, timeout=20)\n"
      "connection.request('POST', '/ask', json.dumps({'question': 'What is the ticker of Petrobras?'}),\n"
      "                   {'Content-Type': 'application/json', 'Accept': 'application/json'})\n"
      "reply = connection.getresponse()\n"
      "body = json.loads(reply.read())\n"
      "print(reply.status, connection.sock.version(), bool(body.get('answer')))\n";
  const auto path = dir_.path() / "ask.py";
  testing::WriteFile(path, script);
  auto asked = RunShell("/usr/bin/python3 " + path.string() + " " + certs_ + "/ca.crt " + port_ + " 2>&1");
  ASSERT_EQ(asked.exit_code, 0) << asked.output;
  EXPECT_EQ(asked.output, "200 TLSv1.3 True\n");
}

// `maestro certs renew` replaces every certificate in place while the stack runs: within a few --tls-reload
// periods the front door and each service present the new ones (seen by Python's ssl module, presenting Maestro's
// renewed certificate to the services), and /assist still answers over the renewed mutual TLS, with no restart.
TEST_P(TlsStackTest, RenewedCertificatesAreTakenUpWithoutARestart) {
  const std::string script =
      "import socket, ssl, sys, time\n"
      "certs, port, service = sys.argv[1], int(sys.argv[2]), sys.argv[3]\n"
      "context = ssl.create_default_context(cafile=certs + '/ca.crt')\n"
      "context.load_cert_chain(certs + '/maestro.crt', certs + '/maestro.key')\n"
      "context.set_alpn_protocols(['h2', 'http/1.1'])\n"
      "wanted = ssl._ssl._test_decode_cert(certs + '/' + service + '.crt')['serialNumber']\n"
      "seen = None\n"
      "for attempt in range(100):\n"
      "    with socket.create_connection(('127.0.0.1', port), timeout=10) as raw:\n"
      "        with context.wrap_socket(raw, server_hostname='localhost') as tls:\n"
      "            seen = tls.getpeercert()['serialNumber']\n"
      "    if seen == wanted: break\n"
      "    time.sleep(0.1)\n"
      "print(service, 'renewed' if seen == wanted else 'still ' + seen + ', not ' + wanted)\n";
  const auto path = dir_.path() / "presented.py";
  testing::WriteFile(path, script);
  std::map<std::string, std::string> ports = {{"maestro", port_}};
  for (const char* service : {"stt", "llm", "tts"}) {
    std::smatch match;
    ASSERT_TRUE(std::regex_search(up_->seen, match, std::regex(std::string(service) + ": pid \\d+, port (\\d+)")))
        << up_->seen;
    ports[service] = match[1];
  }
  for (const auto& [service, port] : ports) {
    testing::MaestroProcess renew({"certs", "renew", certs_, service});
    ASSERT_EQ(renew.Wait(), 0) << renew.seen;
  }
  for (const auto& [service, port] : ports) {
    auto presented = RunShell(Join({"/usr/bin/python3", path.string(), certs_, port, service, "2>&1"}));
    EXPECT_EQ(presented.output, service + " renewed\n");
  }
  const auto question = dir_.path() / "q.wav";
  testing::WriteFile(question, testing::ToneWav(4));
  auto posted = RunShell(Curl("-o /dev/null -w '%{http_code}' -F file=@" + question.string() + " " + url_ + "/assist"));
  EXPECT_EQ(posted.output, "200");
}

INSTANTIATE_TEST_SUITE_P(Protocols, TlsStackTest, ::testing::Values("rest", "grpc", "thrift"));

// A development CA in a fresh folder, `maestro up --tls` over it with emulated engines, and curl trusting it.
class TlsStackServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::MaestroBinary().empty()) GTEST_FAIL() << "the maestro binary was not built";
    certs_ = (dir_.path() / "certs").string();
    testing::MaestroProcess init({"certs", "init", certs_});
    ASSERT_EQ(init.Wait(), 0) << init.seen;
    curl_ = "curl -sS --max-time 20 -o /dev/null -w '%{http_code}' --cacert " + certs_ + "/ca.crt ";
  }
  // Starts the stack over `protocol`. RETURNS what it printed once it is up.
  std::string StartUp(const std::string& protocol) {
    up_ = std::make_unique<testing::MaestroProcess>(std::vector<std::string>{
        "up", "--tls", "--certs", certs_, "--protocol", protocol, "--engines", "emulated", "--port", "0"});
    EXPECT_TRUE(up_->WaitFor("Ctrl-C stops everything")) << up_->seen;
    return up_->seen;
  }
  // curl's flags presenting Maestro's certificate, which the CA signed.
  std::string WithClientCertificate() const {
    return "--cert " + certs_ + "/maestro.crt --key " + certs_ + "/maestro.key ";
  }

  testing::TempDir dir_;
  std::string certs_;
  std::string curl_;
  std::unique_ptr<testing::MaestroProcess> up_;
};

// The REST services speak HTTPS on their own ports; without a client certificate from the CA they refuse.
TEST_F(TlsStackServicesTest, ServicesRequireAClientCertificateFromTheCa) {
  const std::string seen = StartUp("rest");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(seen, match, std::regex("stt: pid \\d+, port (\\d+)"))) << seen;
  const std::string stt = "https://127.0.0.1:" + std::string(match[1]) + "/healthz";
  auto anonymous = RunShell(curl_ + stt);
  EXPECT_NE(anonymous.output, "200") << "the STT service served a client without a certificate";
  auto with_certificate = RunShell(curl_ + WithClientCertificate() + stt);
  EXPECT_EQ(with_certificate.output, "200");
}

TEST_F(TlsStackServicesTest, TlsWithoutCertificatesStopsUpBeforeAnythingStarts) {
  testing::TempDir dir;
  testing::MaestroProcess bare({"up", "--tls", "--engines", "emulated", "--port", "0"});
  EXPECT_TRUE(bare.WaitFor("--tls needs --certs DIR", std::chrono::seconds(20))) << bare.seen;
  EXPECT_EQ(bare.Wait(), 2);
  testing::MaestroProcess empty(
      {"up", "--tls", "--certs", dir.path().string(), "--engines", "emulated", "--port", "0"});
  EXPECT_TRUE(empty.WaitFor("maestro.crt: cannot be read", std::chrono::seconds(20))) << empty.seen;
  EXPECT_EQ(empty.Wait(), 2);
}

// Under `up --tls` the gRPC and Thrift services' admin ports (/metrics, /healthz, /readyz) speak TLS like their
// RPC ports: a client certificate from the CA is needed, and plain HTTP is refused.
TEST_F(TlsStackServicesTest, AdminPortsSpeakTlsAndAskForTheClientCertificate) {
  const std::string seen = StartUp("grpc");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(seen, match, std::regex("tts: pid \\d+, port \\d+, metrics on port (\\d+)"))) << seen;
  const std::string admin = "127.0.0.1:" + std::string(match[1]) + "/metrics";
  EXPECT_EQ(RunShell(curl_ + WithClientCertificate() + "https://" + admin).output, "200");
  EXPECT_NE(RunShell(curl_ + "https://" + admin).output, "200")
      << "the admin port served a client without a certificate";
  EXPECT_NE(RunShell(curl_ + "http://" + admin).output, "200") << "the admin port answered plain HTTP under --tls";
}

// `--admin-plaintext` keeps the admin port on plain HTTP (a scraper without TLS) while the RPC port stays TLS.
TEST_F(TlsStackServicesTest, AdminPlaintextServesPlainHttpBesideATlsService) {
  testing::MaestroProcess tts({"tts", "--protocol", "thrift", "--engine", "emulated", "--listen", "127.0.0.1:0",
                               "--admin", "127.0.0.1:0", "--admin-plaintext", "--tls-cert", certs_ + "/tts.crt",
                               "--tls-key", certs_ + "/tts.key", "--tls-ca", certs_ + "/ca.crt"});
  ASSERT_TRUE(tts.WaitFor("MAESTRO_READY")) << tts.seen;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(tts.seen, match, std::regex("MAESTRO_READY \\d+ (\\d+)"))) << tts.seen;
  EXPECT_EQ(RunShell(curl_ + "http://127.0.0.1:" + std::string(match[1]) + "/healthz").output, "200");
}

}  // namespace
}  // namespace maestro
