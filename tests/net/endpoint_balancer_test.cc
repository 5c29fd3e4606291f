#include "net/endpoint_balancer.h"

#include <gtest/gtest.h>

#include <map>

namespace maestro::net {
namespace {

using namespace std::chrono_literals;
using TimePoint = std::chrono::steady_clock::time_point;

const Status kRefused = Unavailable("connect to 198.18.0.3:1 failed: Connection refused");
const Status kReset = Unavailable("exchange with 198.18.0.3:1 failed: Connection reset by peer");

class EndpointBalancerTest : public ::testing::Test {
 protected:
  EndpointBalancer Make(size_t n) {
    return EndpointBalancer(n, {}, [this] { return now_; });
  }
  TimePoint now_ = TimePoint{} + 1000s;
};

TEST_F(EndpointBalancerTest, RoundRobinsOverHealthyEndpoints) {
  auto balancer = Make(3);
  std::map<size_t, int> picks;
  for (int i = 0; i < 300; ++i) {
    size_t pick = balancer.Pick();
    picks[pick]++;
    balancer.Report(pick, Status::Ok());
  }
  EXPECT_EQ(picks[0], 100);
  EXPECT_EQ(picks[1], 100);
  EXPECT_EQ(picks[2], 100);
}

TEST_F(EndpointBalancerTest, FiveConsecutiveFailuresEjectForThirtySecondsThenOneProbe) {
  auto balancer = Make(3);
  for (int i = 0; i < 4; ++i) balancer.Report(1, kRefused);
  EXPECT_FALSE(balancer.ejected(1)) << "four failures are not enough";
  balancer.Report(1, kReset);
  EXPECT_TRUE(balancer.ejected(1));
  for (int i = 0; i < 100; ++i) EXPECT_NE(balancer.Pick(), 1u);
  now_ += 29s;
  for (int i = 0; i < 10; ++i) EXPECT_NE(balancer.Pick(), 1u);
  now_ += 1s;
  EXPECT_FALSE(balancer.ejected(1));
  // Back on probation: exactly one call at a time reaches it until it answers.
  int probes = 0;
  for (int i = 0; i < 10; ++i) probes += balancer.Pick() == 1u;
  EXPECT_EQ(probes, 1);
  balancer.Report(1, Status::Ok());
  probes = 0;
  for (int i = 0; i < 30; ++i) probes += balancer.Pick() == 1u;
  EXPECT_EQ(probes, 10) << "a successful probe restores its full share";
}

TEST_F(EndpointBalancerTest, AFailedProbeEjectsAgainAtOnce) {
  auto balancer = Make(2);
  for (int i = 0; i < 5; ++i) balancer.Report(0, kRefused);
  now_ += 30s;
  size_t probe = 0;
  while ((probe = balancer.Pick()) != 0) {
  }
  balancer.Report(probe, kRefused);
  EXPECT_TRUE(balancer.ejected(0));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(balancer.Pick(), 1u);
}

TEST_F(EndpointBalancerTest, AnEndpointThatRefusesConnectionsIsProbedAgainEverySecond) {
  auto balancer = Make(3);
  for (int i = 0; i < 5; ++i) balancer.Report(2, kRefused);
  EXPECT_TRUE(balancer.ejected(2));
  for (int i = 0; i < 10; ++i) EXPECT_NE(balancer.Pick(), 2u);
  now_ += 1s;
  size_t probe = 0;
  while ((probe = balancer.Pick()) != 2) {
  }
  balancer.Report(probe, kRefused);
  EXPECT_TRUE(balancer.ejected(2)) << "still refusing: out for another second";
  now_ += 1s;
  while ((probe = balancer.Pick()) != 2) {
  }
  balancer.Report(probe, Status::Ok());
  EXPECT_FALSE(balancer.ejected(2)) << "restarted: back within a second, not thirty";
}

TEST_F(EndpointBalancerTest, SuccessesAndTypedErrorsResetTheCount) {
  auto balancer = Make(2);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) balancer.Report(0, kRefused);
    balancer.Report(0, round % 2 ? Status::Ok() : Status(StatusCode::kInvalidArgument, "bad audio"));
  }
  EXPECT_FALSE(balancer.ejected(0));
  // An overloaded or slow answer is the endpoint working, not failing.
  for (int i = 0; i < 10; ++i) balancer.Report(0, Status(StatusCode::kOverloaded, "busy"));
  EXPECT_FALSE(balancer.ejected(0));
}

TEST_F(EndpointBalancerTest, AvoidPicksAnotherEndpointForTheRetry) {
  auto balancer = Make(3);
  for (int i = 0; i < 20; ++i) {
    size_t first = balancer.Pick();
    EXPECT_NE(balancer.Pick(first), first);
  }
  auto single = Make(1);
  EXPECT_EQ(single.Pick(0), 0u) << "with one endpoint the retry goes to the same one";
}

TEST_F(EndpointBalancerTest, WhenAllAreEjectedTheSoonestBackIsStillTried) {
  auto balancer = Make(2);
  for (int i = 0; i < 5; ++i) balancer.Report(1, kRefused);
  now_ += 1s;
  for (int i = 0; i < 5; ++i) balancer.Report(0, kRefused);
  EXPECT_EQ(balancer.Pick(), 1u);
}

TEST(EndpointResolutionTest, ListsAndNamesResolveToEveryAddress) {
  auto list = ResolveEndpoints("127.0.0.1:7001,127.0.0.2:7002");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].ToString(), "127.0.0.2:7002");
  auto name = ResolveEndpoints("localhost:9000");
  ASSERT_TRUE(name.ok()) << name.status().ToString();
  EXPECT_GE(name->size(), 1u);
  for (const auto& endpoint : *name) {
    EXPECT_EQ(endpoint.port, 9000);
    EXPECT_EQ(endpoint.name, "localhost") << "TLS checks the name that was written, not the address";
  }
  EXPECT_EQ((*list)[0].name, "127.0.0.1");
  auto duplicate = ResolveEndpoints("127.0.0.1:1,127.0.0.1:1");
  EXPECT_EQ(duplicate->size(), 1u);
}

TEST(EndpointResolutionTest, MalformedAndUnknownAreTypedErrors) {
  for (const char* bad : {"", "host", ":80", "host:", "host:99999", "host:8x"}) {
    EXPECT_EQ(ResolveEndpoints(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ResolveEndpoints("no-such-host.invalid:80").status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(IsConnectFailure(kRefused));
  EXPECT_FALSE(IsConnectFailure(kReset));
  EXPECT_TRUE(CountsAsEndpointFailure(kReset));
}

}  // namespace
}  // namespace maestro::net
