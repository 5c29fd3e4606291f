#include "transport/inproc/inproc_transport.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/transport/transport_conformance.h"

namespace maestro::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Inproc, TransportConformanceTest,
                         ::testing::Values(TransportCase{"inproc", "inproc", TransportOptions{}}), CaseName);
// inproc has no wire: no server, port, connection or admission to test.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(WireConformanceTest);

TEST(InprocTransportTest, HasNoServerSide) {
  auto transport = inproc::CreateTransport(TransportOptions{});
  auto engine = emulated::CreateLanguageModel({}).value();
  EXPECT_EQ(transport->ServeLlm(*engine, "127.0.0.1", 0).status().code(), StatusCode::kInvalidArgument);
}

TEST(InprocTransportTest, UnknownEngineNameIsInvalidArgument) {
  auto transport = inproc::CreateTransport(TransportOptions{});
  EXPECT_EQ(transport->ConnectLlm("no-such-engine").status().code(), StatusCode::kInvalidArgument);
}

TEST(InprocTransportTest, EngineOptionsReachTheEngineByKind) {
  TransportOptions options;
  options.inproc_engine_options["llm"] = {{"words", "7"}};
  auto transport = inproc::CreateTransport(options);
  auto llm = transport->ConnectLlm("emulated");
  ASSERT_TRUE(llm.ok()) << llm.status().ToString();
  auto answer = GenerateBlocking(**llm, {.prompt = "how many words?"}, Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(std::count(answer->text.begin(), answer->text.end(), ' '), 6);
}

}  // namespace
}  // namespace maestro::testing
