// Transport: one protocol (rest, grpc, thrift, inproc) as a plug. A transport serves any engine behind a
// network port, and connects to such a port with a client that implements the same engine interface, so
// the pipeline never knows which protocol carries it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "domain/engine_options.h"
#include "domain/language_model.h"
#include "domain/speech_to_text.h"
#include "domain/text_to_speech.h"
#include "tls/tls_options.h"

namespace maestro {

// Settings every transport honours the same way, so that the experiment compares protocols fairly.
struct TransportOptions {
  // Largest request or reply accepted on the wire. An audio upload plus framing must fit.
  size_t max_message_bytes = 64u << 20;
  // Connections a client keeps to one service. gRPC multiplexes its calls over these channels; REST and
  // Thrift use each for one call at a time.
  int client_connections = 64;
  // Calls a server runs at once; more get kOverloaded.
  int max_inflight = 1024;
  // Server worker threads; 0 picks the number of cores.
  int server_threads = 0;
  // Streamed answers (GenerateStreaming): how much of an answer a server holds for a client that reads slower
  // than the engine writes; beyond it the generation stops with kOverloaded.
  size_t stream_buffer_bytes = 1u << 20;
  // Thrift only (its streams are chunked calls, docs/rpc-transports.md): streams open at once (more get
  // kOverloaded), and how long a stream may go without a generate_next before it is cancelled and reclaimed.
  int thrift_max_streams = 256;
  std::chrono::milliseconds thrift_stream_idle{30000};
  // Thrift only: "buffered" (the original system's default) or "framed"; "binary" or "compact".
  std::string thrift_transport = "buffered";
  std::string thrift_protocol = "binary";
  // inproc only: options for the engines that the inproc "address" (an engine name) builds, by kind
  // ("stt", "llm", "tts").
  std::map<std::string, EngineOptions> inproc_engine_options;
  // TLS on every link this process serves or opens (tls/tls_options.h); all empty: plaintext. A server given a
  // CA requires client certificates (mutual TLS). Bad files fail Serve*/Connect* with kInvalidArgument.
  tls::TlsOptions tls;
};

// A running service endpoint. Destroying it stops it.
class ServiceServer {
 public:
  ServiceServer() = default;
  ServiceServer(const ServiceServer&) = delete;
  ServiceServer& operator=(const ServiceServer&) = delete;
  virtual ~ServiceServer() = default;

  // RETURNS the bound TCP port (the real one when 0 was asked for).
  virtual uint16_t port() const = 0;
  // Stops accepting, lets in-flight calls finish until the grace period ends, then returns.
  // THREAD-SAFETY: safe from any thread; idempotent.
  virtual void Shutdown() = 0;
};

class Transport {
 public:
  Transport() = default;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;
  virtual ~Transport() = default;

  virtual std::string name() const = 0;

  // Serves `engine` on host:port (port 0 picks a free one).
  // REQUIRES: `engine` outlives the returned server.
  // RETURNS the running server, or kUnavailable when the port cannot be bound, or kInvalidArgument when the
  // transport has no server side (inproc).
  virtual Result<std::unique_ptr<ServiceServer>> ServeStt(SpeechToText& engine, const std::string& host,
                                                          uint16_t port) = 0;
  virtual Result<std::unique_ptr<ServiceServer>> ServeLlm(LanguageModel& engine, const std::string& host,
                                                          uint16_t port) = 0;
  virtual Result<std::unique_ptr<ServiceServer>> ServeTts(TextToSpeech& engine, const std::string& host,
                                                          uint16_t port) = 0;

  // Connects to a service at `address` ("host:port"; for inproc, an engine name). Connections are made
  // lazily and reused. RETURNS the client, or kInvalidArgument for a malformed address.
  // The client maps remote failures to kUnavailable (unreachable), kDeadlineExceeded, or the remote
  // service's own typed error; it attributes nothing to a hop (the pipeline does).
  virtual Result<std::unique_ptr<SpeechToText>> ConnectStt(const std::string& address) = 0;
  virtual Result<std::unique_ptr<LanguageModel>> ConnectLlm(const std::string& address) = 0;
  virtual Result<std::unique_ptr<TextToSpeech>> ConnectTts(const std::string& address) = 0;
};

// Builds transports by protocol name.
// RETURNS the transport, or kInvalidArgument naming the known protocols.
Result<std::unique_ptr<Transport>> CreateTransport(const std::string& protocol, const TransportOptions& options);

// The registered protocol names, e.g. {"grpc", "inproc", "rest", "thrift"}.
std::vector<std::string> TransportNames();

// Splits "host:port". RETURNS kInvalidArgument when the port is missing or not 0..65535.
Result<std::pair<std::string, uint16_t>> SplitHostPort(const std::string& address);

}  // namespace maestro
