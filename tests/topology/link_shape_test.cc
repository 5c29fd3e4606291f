#include "topology/link_shape.h"

#include <gtest/gtest.h>

namespace maestro::topology {
namespace {

TEST(LinkShapeTest, ParsesDurationsRatesAndLoss) {
  EXPECT_DOUBLE_EQ(ParseMilliseconds("0.25ms").value(), 0.25);
  EXPECT_DOUBLE_EQ(ParseMilliseconds("250us").value(), 0.25);
  EXPECT_DOUBLE_EQ(ParseMilliseconds("2s").value(), 2000);
  EXPECT_DOUBLE_EQ(ParseRateMbit("10gbit").value(), 10000);
  EXPECT_DOUBLE_EQ(ParseRateMbit("512kbit").value(), 0.512);
  EXPECT_DOUBLE_EQ(ParseLossPercent("0.1%").value(), 0.1);
  EXPECT_DOUBLE_EQ(ParseLossPercent("3").value(), 3);
}

TEST(LinkShapeTest, RejectsMalformedValues) {
  for (const char* text : {"", "10", "ms", "-1ms", "10 ms", "nanms"}) {
    EXPECT_EQ(ParseMilliseconds(text).status().code(), StatusCode::kInvalidArgument) << text;
  }
  for (const char* text : {"100", "0mbit", "fast", "100Mbps"}) {
    EXPECT_EQ(ParseRateMbit(text).status().code(), StatusCode::kInvalidArgument) << text;
  }
  EXPECT_EQ(ParseLossPercent("101%").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseLossPercent("1x").status().code(), StatusCode::kInvalidArgument);
}

TEST(LinkShapeTest, UnshapedLinksGetNoQueueingDiscipline) {
  EXPECT_TRUE(TcCommands({}, "ns", "eth0").empty());
  EXPECT_EQ(LinkShape{}.Describe(), "unshaped");
}

TEST(LinkShapeTest, RateAloneUsesTbfWithABurstOfAtLeastOneSegment) {
  auto commands = TcCommands({.rate_mbit = 100}, "ns", "eth0");
  ASSERT_EQ(commands.size(), 1u);
  std::vector<std::string> expected = {"tc",  "-n",   "ns",         "qdisc", "add",   "dev",     "eth0", "root",
                                       "tbf", "rate", "100000kbit", "burst", "65536", "latency", "100ms"};
  EXPECT_EQ(commands[0], expected);
}

TEST(LinkShapeTest, DelayJitterLossAndRateUseNetem) {
  auto commands = TcCommands({.delay_ms = 10, .jitter_ms = 1, .rate_mbit = 100, .loss_percent = 0.5}, "ns", "eth0");
  ASSERT_EQ(commands.size(), 1u);
  std::vector<std::string> expected = {"tc",      "-n",     "ns",    "qdisc",      "add",   "dev",
                                       "eth0",    "root",   "netem", "limit",      "10000", "delay",
                                       "10000us", "1000us", "rate",  "100000kbit", "loss",  "0.5%"};
  EXPECT_EQ(commands[0], expected);
  EXPECT_EQ((LinkShape{.delay_ms = 10, .rate_mbit = 100}).Describe(), "delay 10 ms, rate 100 Mbit/s");
}

TEST(LinkShapeTest, NamedProfilesAreKnownAndOthersAreNot) {
  auto lan = FindNetworkProfile("lan").value();
  EXPECT_TRUE(lan.hosts);
  EXPECT_DOUBLE_EQ(lan.link.delay_ms * 2, 0.25);  // the round trip between two hosts
  EXPECT_DOUBLE_EQ(lan.link.rate_mbit, 10000);
  auto wan = FindNetworkProfile("wan").value();
  EXPECT_DOUBLE_EQ(wan.link.delay_ms * 2, 20);
  EXPECT_FALSE(FindNetworkProfile("loopback").value().hosts);
  auto unknown = FindNetworkProfile("moon");
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("lan"), std::string::npos);
}

}  // namespace
}  // namespace maestro::topology
