// Several endpoints per service, the same way for every protocol: calls spread over them, a dead endpoint costs no
// failed call, and an endpoint that keeps failing is ejected after 5 (net::EndpointBalancer, in every client).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "domain/blocking.h"
#include "engines/emulated/emulated_engines.h"
#include "transport/transport.h"

namespace maestro {
namespace {

// Counts the calls that reach it; fails them with kUnavailable while `failing` is set.
class CountingLlm final : public LanguageModel {
 public:
  CountingLlm() : inner_(emulated::CreateLanguageModel({}).value()) {}
  void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) override {
    calls.fetch_add(1);
    if (failing) return done(Unavailable("scripted: this replica is broken"));
    inner_->Generate(std::move(request), deadline, std::move(done));
  }
  std::atomic<int> calls{0};
  std::atomic<bool> failing{false};

 private:
  std::unique_ptr<LanguageModel> inner_;
};

// A loopback port that nothing listens on (bound, then closed).
uint16_t ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

class BalancingTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    TransportOptions options;
    options.client_connections = 4;
    transport_ = CreateTransport(GetParam(), options).value();
  }
  // Starts `count` servers. RETURNS their addresses.
  std::vector<std::string> Serve(int count) {
    std::vector<std::string> addresses;
    for (int i = 0; i < count; ++i) {
      engines_.push_back(std::make_unique<CountingLlm>());
      servers_.push_back(transport_->ServeLlm(*engines_.back(), "127.0.0.1", 0).value());
      addresses.push_back("127.0.0.1:" + std::to_string(servers_.back()->port()));
    }
    return addresses;
  }
  static std::string Join(const std::vector<std::string>& addresses) {
    std::string joined;
    for (const auto& address : addresses) joined += (joined.empty() ? "" : ",") + address;
    return joined;
  }
  Result<Generation> Ask(LanguageModel& client) {
    return GenerateBlocking(client, {.prompt = "price of PETR4"}, Deadline::In(std::chrono::seconds(10)));
  }

  std::unique_ptr<Transport> transport_;
  std::vector<std::unique_ptr<CountingLlm>> engines_;
  std::vector<std::unique_ptr<ServiceServer>> servers_;
};

TEST_P(BalancingTest, CallsSpreadOverEveryEndpoint) {
  auto client = transport_->ConnectLlm(Join(Serve(3))).value();
  for (int i = 0; i < 90; ++i) ASSERT_TRUE(Ask(*client).ok());
  for (const auto& engine : engines_) EXPECT_GE(engine->calls.load(), 15) << "an endpoint got almost nothing";
}

TEST_P(BalancingTest, ADeadEndpointCostsNoFailedCall) {
  auto addresses = Serve(2);
  addresses.insert(addresses.begin() + 1, "127.0.0.1:" + std::to_string(ClosedPort()));
  auto client = transport_->ConnectLlm(Join(addresses)).value();
  for (int i = 0; i < 60; ++i) {
    auto answer = Ask(*client);
    ASSERT_TRUE(answer.ok()) << "call " << i << ": " << answer.status().ToString();
  }
  EXPECT_EQ(engines_[0]->calls + engines_[1]->calls, 60);
}

// A name stays a name for gRPC (dns:///, re-resolved by gRPC) and resolves to its addresses for REST and Thrift.
TEST_P(BalancingTest, ANameReachesTheService) {
  auto addresses = Serve(1);
  auto client = transport_->ConnectLlm("localhost:" + std::to_string(servers_[0]->port())).value();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Ask(*client).ok());
  EXPECT_EQ(engines_[0]->calls.load(), 3);
}

TEST_P(BalancingTest, MalformedListsAreRejected) {
  EXPECT_EQ(transport_->ConnectLlm("127.0.0.1:1,nonsense").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(transport_->ConnectLlm("no-such-host.invalid:1").status().code(), StatusCode::kUnavailable);
}

INSTANTIATE_TEST_SUITE_P(Protocols, BalancingTest, ::testing::Values("rest", "grpc", "thrift"));

class EjectionTest : public BalancingTest {};

TEST_P(EjectionTest, AnEndpointThatFailsFiveTimesInARowGetsNoMoreCalls) {
  auto addresses = Serve(2);
  engines_[0]->failing = true;
  auto client = transport_->ConnectLlm(Join(addresses)).value();
  int failed = 0;
  for (int i = 0; i < 60; ++i) failed += !Ask(*client).ok();
  EXPECT_EQ(engines_[0]->calls.load(), 5);
  EXPECT_EQ(failed, 5) << "only the calls that reached the broken replica fail";
  EXPECT_EQ(engines_[1]->calls.load(), 55);
}

INSTANTIATE_TEST_SUITE_P(Protocols, EjectionTest, ::testing::Values("rest", "grpc", "thrift"));

}  // namespace
}  // namespace maestro
