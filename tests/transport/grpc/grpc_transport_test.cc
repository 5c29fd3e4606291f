#include "transport/grpc/grpc_transport.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "proto/llm.grpc.pb.h"
#include "tests/transport/raw_socket.h"
#include "tests/transport/transport_conformance.h"

namespace maestro::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Grpc, TransportConformanceTest,
                         ::testing::Values(TransportCase{"grpc", "grpc", TransportOptions{}}), CaseName);
INSTANTIATE_TEST_SUITE_P(Grpc, WireConformanceTest,
                         ::testing::Values(TransportCase{"grpc", "grpc", TransportOptions{}}), CaseName);

// Bytes an HTTP/2 server must refuse without harm.
std::string Http2Preface() {
  return std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24);
}

std::string FrameHeader(uint32_t length, uint8_t type, uint8_t flags, uint32_t stream) {
  std::string header(9, '\0');
  header[0] = static_cast<char>(length >> 16);
  header[1] = static_cast<char>(length >> 8);
  header[2] = static_cast<char>(length);
  header[3] = static_cast<char>(type);
  header[4] = static_cast<char>(flags);
  header[5] = static_cast<char>(stream >> 24);
  header[6] = static_cast<char>(stream >> 16);
  header[7] = static_cast<char>(stream >> 8);
  header[8] = static_cast<char>(stream);
  return header;
}

TEST(GrpcBadInputTest, GarbageTruncatedAndOversizeFramesLeaveTheServerHealthy) {
  auto transport = grpc_transport::CreateTransport(TransportOptions{});
  auto engine = emulated::CreateLanguageModel({}).value();
  auto server = transport->ServeLlm(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  uint16_t port = (*server)->port();

  EXPECT_TRUE(SendRaw(port, Garbage(4096), false)) << "garbage must close the connection";
  EXPECT_TRUE(SendRaw(port, "POST /mpes.llm.LLMService/Generate HTTP/1.1\r\nHost: x\r\n\r\n", false));
  SendRaw(port, Http2Preface().substr(0, 10), true);
  SendRaw(port, Http2Preface() + FrameHeader(0, 4, 0, 0) + FrameHeader(100, 1, 4, 1) + "\x82\x86", true);
  // A HEADERS frame far above the 16 KiB frame size the server allows.
  EXPECT_TRUE(
      SendRaw(port, Http2Preface() + FrameHeader(0, 4, 0, 0) + FrameHeader(0xFFFFFF, 1, 4, 1) + Garbage(20000), false));
  // A DATA frame on a stream that was never opened.
  SendRaw(port, Http2Preface() + FrameHeader(0, 4, 0, 0) + FrameHeader(5, 0, 1, 7) + Garbage(5), true);
  for (int i = 0; i < 100; ++i) SendRaw(port, "", true, std::chrono::milliseconds(0));

  auto llm = transport->ConnectLlm("127.0.0.1:" + std::to_string(port));
  auto answer = GenerateBlocking(**llm, {.prompt = "still there?"}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_TRUE(answer.ok()) << answer.status().ToString();
}

// The thesis's LLM server: unary Generate only, so GenerateStream answers UNIMPLEMENTED.
class UnaryOnlyLlm final : public mpes::llm::LLMService::CallbackService {
 public:
  ::grpc::ServerUnaryReactor* Generate(::grpc::CallbackServerContext* context, const mpes::llm::GenRequest*,
                                       mpes::llm::GenReply* reply) override {
    reply->set_generated("one whole answer");
    reply->set_language("en");
    auto* reactor = context->DefaultReactor();
    reactor->Finish(::grpc::Status::OK);
    return reactor;
  }
};

TEST(GrpcStreamTest, StreamingClientFallsBackToAServerWithoutGenerateStream) {
  UnaryOnlyLlm service;
  ::grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", ::grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  ASSERT_TRUE(server && port > 0);
  auto transport = grpc_transport::CreateTransport(TransportOptions{});
  auto llm = transport->ConnectLlm("127.0.0.1:" + std::to_string(port)).value();
  auto record = StreamBlocking(*llm, {.prompt = "x"}, Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(record.outcome->ok()) << record.outcome->status().ToString();
  EXPECT_EQ(record.pieces, std::vector<std::string>{"one whole answer"});
  llm.reset();
  server->Shutdown();
}

}  // namespace
}  // namespace maestro::testing
