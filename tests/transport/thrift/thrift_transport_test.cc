#include "transport/thrift/thrift_transport.h"

#include <gtest/gtest.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

#include "gen-cpp/LLMService.h"
#include "gen-cpp/STTService.h"
#include "tests/transport/raw_socket.h"
#include "tests/transport/transport_conformance.h"
#include "transport/thrift/thrift_wire.h"

namespace maestro::testing {
namespace {

TransportOptions Wire(const std::string& transport, const std::string& protocol) {
  TransportOptions options;
  options.thrift_transport = transport;
  options.thrift_protocol = protocol;
  return options;
}

// Every wire format the Thrift transport speaks.
auto ThriftFormats() {
  return ::testing::Values(TransportCase{"buffered_binary", "thrift", Wire("buffered", "binary")},
                           TransportCase{"framed_binary", "thrift", Wire("framed", "binary")},
                           TransportCase{"buffered_compact", "thrift", Wire("buffered", "compact")},
                           TransportCase{"framed_compact", "thrift", Wire("framed", "compact")});
}

INSTANTIATE_TEST_SUITE_P(Thrift, TransportConformanceTest, ThriftFormats(), CaseName);
INSTANTIATE_TEST_SUITE_P(Thrift, WireConformanceTest, ThriftFormats(), CaseName);

// A well-formed Transcribe call, serialised by the generated client into memory.
std::string TranscribeCall(const TransportOptions& options, const std::string& audio) {
  using namespace apache::thrift;
  auto memory = std::make_shared<transport::TMemoryBuffer>();
  std::shared_ptr<transport::TTransport> outer = memory;
  if (options.thrift_transport == "framed") outer = std::make_shared<transport::TFramedTransport>(memory);
  std::shared_ptr<protocol::TProtocol> proto;
  if (options.thrift_protocol == "compact") {
    proto = std::make_shared<protocol::TCompactProtocol>(outer);
  } else {
    proto = std::make_shared<protocol::TBinaryProtocol>(outer);
  }
  mpes::thrift::stt::STTServiceClient client(proto);
  client.send_Transcribe(audio, "q.wav", "audio/wav", 0);
  return memory->getBufferAsString();
}

std::string BigEndian32(uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
          static_cast<char>(value)};
}

class ThriftWireTest : public ::testing::TestWithParam<TransportCase> {};

TEST_P(ThriftWireTest, GarbageTruncatedAndOversizeInputLeavesTheServerHealthy) {
  TransportOptions options = GetParam().options;
  options.max_message_bytes = 1 << 20;
  auto transport = thrift::CreateTransport(options);
  auto engine = emulated::CreateSpeechToText({}).value();
  auto server = transport->ServeStt(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  uint16_t port = (*server)->port();

  std::string valid = TranscribeCall(options, std::string(2000, 'a'));
  EXPECT_TRUE(SendRaw(port, Garbage(4096), false)) << "garbage must close the connection";
  EXPECT_TRUE(SendRaw(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", false));
  SendRaw(port, valid.substr(0, valid.size() / 2), true);
  SendRaw(port, valid.substr(0, 3), true);
  // Above max_message_bytes: a whole 3 MiB call, and length prefixes claiming ~2 GiB.
  EXPECT_TRUE(SendRaw(port, TranscribeCall(options, std::string(3 << 20, 'a')), false));
  EXPECT_TRUE(SendRaw(port, BigEndian32(0x7FFFFFF0) + Garbage(64), false));
  EXPECT_TRUE(SendRaw(port,
                      BigEndian32(0x80010001) + BigEndian32(10) + "Transcribe" + BigEndian32(0) +
                          std::string("\x0b\x00\x01", 3) + BigEndian32(0x7FFFFFF0) + Garbage(64),
                      false));
  EXPECT_TRUE(SendRaw(port, BigEndian32(0xFFFFFFFF) + Garbage(64), false));
  for (int i = 0; i < 100; ++i) SendRaw(port, "", true, std::chrono::milliseconds(0));

  // A raw valid call is answered, and so is one through the client.
  auto stt = transport->ConnectStt("127.0.0.1:" + std::to_string(port));
  auto transcript = TranscribeBlocking(**stt, {"RIFF", "q.wav", "audio/wav"}, Deadline::In(std::chrono::seconds(5)));
  EXPECT_TRUE(transcript.ok()) << transcript.status().ToString();
}

// TBufferedTransport never restarts its count of consumed bytes on its own; without a per-message reset a
// connection would fail once its total traffic passed max_message_bytes. One generated client on one socket
// (the pool would hide a dropped connection by reconnecting).
TEST_P(ThriftWireTest, OneConnectionCarriesFarMoreThanTheMessageLimit) {
  TransportOptions options = GetParam().options;
  options.max_message_bytes = 256 * 1024;
  auto transport = thrift::CreateTransport(options);
  auto engine = emulated::CreateLanguageModel({{"words", "1000"}}).value();
  auto server = transport->ServeLlm(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  auto format = thrift::ParseWireFormat(options);
  ASSERT_TRUE(format.ok());
  auto socket = std::make_shared<apache::thrift::transport::TSocket>("127.0.0.1", (*server)->port());
  auto wire = thrift::WrapSocket(socket, *format);
  mpes::thrift::llm::LLMServiceClient client(thrift::MakeProtocol(wire, *format));
  wire->open();
  mpes::thrift::llm::GenRequest request;
  request.__set_prompt(std::string(8000, 'p'));  // small enough to be read through the buffer, where it counts
  for (int i = 0; i < 200; ++i) {  // 1.6 MB up and ~1.4 MB down on one connection: over 5x the limit each way
    mpes::thrift::llm::GenReply reply;
    ASSERT_NO_THROW(client.Generate(reply, request)) << "call " << i;
    ASSERT_GT(reply.generated.size(), 5000u);
  }
}

INSTANTIATE_TEST_SUITE_P(Thrift, ThriftWireTest, ThriftFormats(), CaseName);

// A generated LLM client on its own socket, to make the chunked streaming calls by hand.
struct RawLlmClient {
  RawLlmClient(uint16_t port, const TransportOptions& options) {
    auto format = thrift::ParseWireFormat(options).value();
    auto socket = std::make_shared<apache::thrift::transport::TSocket>("127.0.0.1", port);
    socket->setRecvTimeout(10000);
    wire = thrift::WrapSocket(socket, format);
    client = std::make_unique<mpes::thrift::llm::LLMServiceClient>(thrift::MakeProtocol(wire, format));
    wire->open();
  }
  std::shared_ptr<apache::thrift::transport::TTransport> wire;
  std::unique_ptr<mpes::thrift::llm::LLMServiceClient> client;
};

// RETURNS the code of the ServiceError that `call` throws, or "no error".
template <typename Call>
std::string ServiceErrorOf(Call call) {
  try {
    call();
  } catch (const mpes::thrift::common::ServiceError& error) {
    return error.code;
  }
  return "no error";
}

mpes::thrift::llm::GenRequest Prompt(const std::string& prompt) {
  mpes::thrift::llm::GenRequest request;
  request.__set_prompt(prompt);
  return request;
}

TEST_P(ThriftWireTest, ChunkedStreamMisuseGetsTypedErrors) {
  TransportOptions options = GetParam().options;
  options.thrift_max_streams = 2;
  auto transport = thrift::CreateTransport(options);
  auto engine = emulated::CreateLanguageModel({{"words", "400"}, {"piece_ms", "10"}}).value();
  auto server = transport->ServeLlm(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  RawLlmClient raw((*server)->port(), options);
  auto& client = *raw.client;
  mpes::thrift::llm::GenPieces batch;

  EXPECT_EQ(ServiceErrorOf([&] { client.generate_next(batch, 12345, 10); }), "not_found");
  EXPECT_EQ(ServiceErrorOf([&] { client.generate_cancel(12345); }), "not_found");

  int64_t first = 0, second = 0;
  ASSERT_NO_THROW(first = client.generate_start(Prompt("one")));
  ASSERT_NO_THROW(second = client.generate_start(Prompt("two")));
  EXPECT_NE(first, second);
  EXPECT_EQ(ServiceErrorOf([&] { client.generate_start(Prompt("three")); }), "overloaded") << "thrift_max_streams = 2";
  EXPECT_EQ(ServiceErrorOf([&] { client.generate_next(batch, first, -1); }), "invalid_argument");
  ASSERT_NO_THROW(client.generate_next(batch, first, 1000));
  EXPECT_FALSE(batch.pieces.empty());
  EXPECT_FALSE(batch.done);
  ASSERT_NO_THROW(client.generate_cancel(first));
  EXPECT_EQ(ServiceErrorOf([&] { client.generate_next(batch, first, 10); }), "not_found")
      << "a cancelled stream is gone";
  ASSERT_NO_THROW(client.generate_cancel(second));
  ASSERT_NO_THROW(client.generate_start(Prompt("room again")));
}

TEST_P(ThriftWireTest, ChunkedStreamFailuresArriveAfterTheirPieces) {
  TransportOptions options = GetParam().options;
  auto transport = thrift::CreateTransport(options);
  auto engine = emulated::CreateLanguageModel({{"words", "3"}, {"piece_ms", "5"}}).value();
  auto server = transport->ServeLlm(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  RawLlmClient raw((*server)->port(), options);
  auto& client = *raw.client;
  mpes::thrift::llm::GenPieces batch;

  // The engine's refusal of a prompt surfaces at the first generate_next.
  int64_t refused = client.generate_start(Prompt(""));
  EXPECT_EQ(ServiceErrorOf([&] { client.generate_next(batch, refused, 1000); }), "invalid_argument");
  EXPECT_EQ(ServiceErrorOf([&] { client.generate_next(batch, refused, 10); }), "not_found");

  int64_t good = client.generate_start(Prompt("three words"));
  std::string text;
  for (int polls = 0; polls < 20 && !batch.done; ++polls) {
    batch = {};
    ASSERT_NO_THROW(client.generate_next(batch, good, 1000));
    for (const auto& piece : batch.pieces) text += piece;
  }
  ASSERT_TRUE(batch.done);
  EXPECT_EQ(batch.sources, std::vector<std::string>{"emulated"});
  int words = 1;
  for (char c : text) words += c == ' ';
  EXPECT_EQ(words, 3);
  EXPECT_EQ(ServiceErrorOf([&] { client.generate_next(batch, good, 10); }), "not_found") << "a finished stream is gone";

  mpes::thrift::llm::GenRequest budgeted = Prompt("slow");
  budgeted.__set_timeout_ms(1);
  int64_t late = 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(ServiceErrorOf([&] { late = client.generate_start(budgeted); }), "no error");
  std::string late_error = "no error";
  for (int polls = 0; polls < 5 && late_error == "no error"; ++polls) {
    late_error = ServiceErrorOf([&] { client.generate_next(batch, late, 1000); });
  }
  EXPECT_EQ(late_error, "deadline_exceeded") << "pieces written in time come first, then the deadline";
}

TEST_P(ThriftWireTest, AbandonedStreamsAreReclaimedAfterTheIdleTimeout) {
  TransportOptions options = GetParam().options;
  options.thrift_max_streams = 1;
  options.thrift_stream_idle = std::chrono::milliseconds(200);
  auto transport = thrift::CreateTransport(options);
  auto inner = emulated::CreateLanguageModel({{"words", "1000"}, {"piece_ms", "10"}}).value();
  WatchedLlm watched(*inner);
  auto server = transport->ServeLlm(watched, "127.0.0.1", 0);  // destroyed before the engines
  ASSERT_TRUE(server.ok());
  RawLlmClient raw((*server)->port(), options);
  auto& client = *raw.client;
  int64_t abandoned = client.generate_start(Prompt("then vanish"));
  EXPECT_EQ(ServiceErrorOf([&] { client.generate_start(Prompt("no room")); }), "overloaded");
  auto engine_end = watched.WaitFinished(std::chrono::milliseconds(3000));
  ASSERT_TRUE(engine_end.has_value()) << "the abandoned generation was never stopped";
  EXPECT_TRUE(watched.refused.load());
  mpes::thrift::llm::GenPieces batch;
  EXPECT_EQ(ServiceErrorOf([&] { client.generate_next(batch, abandoned, 10); }), "not_found");
  EXPECT_EQ(ServiceErrorOf([&] { client.generate_start(Prompt("room again")); }), "no error");
}

TEST_P(ThriftWireTest, SlowPollerOverflowsItsBufferAndIsOverloaded) {
  TransportOptions options = GetParam().options;
  options.stream_buffer_bytes = 64;
  auto transport = thrift::CreateTransport(options);
  auto engine = emulated::CreateLanguageModel({{"words", "200"}, {"piece_ms", "1"}}).value();
  auto server = transport->ServeLlm(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  RawLlmClient raw((*server)->port(), options);
  auto& client = *raw.client;
  int64_t id = client.generate_start(Prompt("flood"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // about 100 words of 3-11 bytes: over 64 bytes
  mpes::thrift::llm::GenPieces batch;
  ASSERT_NO_THROW(client.generate_next(batch, id, 10));
  size_t bytes = 0;
  for (const auto& piece : batch.pieces) bytes += piece.size();
  EXPECT_LE(bytes, 64u);
  EXPECT_EQ(ServiceErrorOf([&] { client.generate_next(batch, id, 10); }), "overloaded");
}

TEST(ThriftOptionsTest, UnknownWireFormatIsInvalidArgument) {
  auto engine = emulated::CreateTextToSpeech({}).value();
  auto header = thrift::CreateTransport(Wire("header", "binary"));
  EXPECT_EQ(header->ServeTts(*engine, "127.0.0.1", 0).status().code(), StatusCode::kInvalidArgument);
  auto json = thrift::CreateTransport(Wire("buffered", "json"));
  EXPECT_EQ(json->ConnectTts("127.0.0.1:9").status().code(), StatusCode::kInvalidArgument);
}

TEST(ThriftPoolTest, OneConnectionServesManyConcurrentCallers) {
  TransportOptions options;
  options.client_connections = 1;
  auto transport = thrift::CreateTransport(options);
  auto engine = emulated::CreateLanguageModel({{"service_ms", "2"}}).value();
  auto server = transport->ServeLlm(*engine, "127.0.0.1", 0);
  ASSERT_TRUE(server.ok());
  auto llm = transport->ConnectLlm("127.0.0.1:" + std::to_string((*server)->port()));
  std::vector<std::future<Result<Generation>>> calls;
  for (int i = 0; i < 50; ++i)
    calls.push_back(StartGenerate(**llm, {.prompt = "q"}, Deadline::In(std::chrono::seconds(10))));
  for (auto& call : calls) EXPECT_TRUE(call.get().ok());
}

}  // namespace
}  // namespace maestro::testing
