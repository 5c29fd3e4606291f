// OpenAiClient: the HTTP side of the OpenAI-compatible engines (whisper.cpp server, llama.cpp server, Ollama's /v1,
// vLLM). It keeps one keep-alive connection per worker, runs calls on a bounded worker pool so that the engines'
// asynchronous methods never block their caller, fits every attempt's timeouts inside the request's deadline, and
// retries connection failures, 429 and 5xx with jittered exponential backoff. The wire shapes are in
// docs/engines-openai.md.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/deadline.h"
#include "common/status.h"
#include "common/thread_pool.h"
#include "engines/engine_registry.h"

namespace httplib {
class Client;
}

namespace maestro::openai {

struct ClientConfig {
  std::string base = "http://127.0.0.1:8080";  // server root; a trailing "/v1" is accepted and dropped
  std::string path;                            // endpoint path; empty uses the engine's standard one
  std::string api_key;                         // sent as "Authorization: Bearer ..." when not empty
  int workers = 4;                             // concurrent requests (and kept-alive connections)
  int max_queued = 64;                         // calls waiting for a worker; more get kOverloaded
  int retries = 2;                             // extra attempts after a retryable failure
  int backoff_ms = 100;                        // first backoff; doubles per attempt, capped at 2 s, jittered
  int connect_timeout_ms = 2000;               // per attempt, and never past the deadline
};

// Reads base, path, workers, queue, retries, backoff_ms, connect_timeout_ms and api_key_env from `options`,
// erasing them. The API key comes from the environment variable named by api_key_env, else
// MAESTRO_OPENAI_API_KEY, else OPENAI_API_KEY: keys never travel on command lines.
// RETURNS kInvalidArgument for a malformed value or a base that is not http(s)://host[:port][/prefix].
Result<ClientConfig> TakeClientConfig(EngineOptions& options);

// RETURNS kInvalidArgument naming the first key left in `options`.
Status RejectUnknown(const EngineOptions& options, const std::string& engine);

struct HttpPart {
  std::string name;
  std::string content;
  std::string filename;      // empty for a plain field
  std::string content_type;  // empty for a plain field
};

struct HttpReply {
  int status = 0;
  std::string body;
  std::string content_type;
};

class OpenAiClient {
 public:
  // RETURNS kInvalidArgument for a bad base URL.
  static Result<std::unique_ptr<OpenAiClient>> Create(ClientConfig config);
  ~OpenAiClient();
  OpenAiClient(const OpenAiClient&) = delete;
  OpenAiClient& operator=(const OpenAiClient&) = delete;

  // Queues `task` on the worker pool. RETURNS false, without running it, when max_queued tasks already wait.
  // THREAD-SAFETY: safe from any thread.
  bool Submit(std::function<void()> task);

  // POSTs and RETURNS a 2xx reply, or kDeadlineExceeded (the deadline passed, including while waiting for an
  // answer), kUnavailable (no connection after every retry), kUpstreamError (a 4xx, or a 5xx/429 after every
  // retry; the message quotes the start of the body). Blocks: call it from a task given to Submit.
  // THREAD-SAFETY: safe to call concurrently; each call uses its own connection.
  Result<HttpReply> PostJson(const std::string& path, const std::string& json, Deadline deadline);
  Result<HttpReply> PostMultipart(const std::string& path, const std::vector<HttpPart>& parts, Deadline deadline);

  const ClientConfig& config() const { return config_; }
  // "http://host:port" plus the prefix, for sources and messages.
  std::string Describe() const { return scheme_host_port_ + prefix_; }

 private:
  using Send = std::function<Result<HttpReply>(httplib::Client&, const std::string& path)>;
  OpenAiClient(ClientConfig config, std::string scheme_host_port, std::string prefix);
  Result<HttpReply> Post(const std::string& path, const Send& send, Deadline deadline);
  std::unique_ptr<httplib::Client> Checkout();
  void Return(std::unique_ptr<httplib::Client> client);

  ClientConfig config_;
  std::string scheme_host_port_;
  std::string prefix_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;
  // Declared last so that it is destroyed first: queued calls still use the members above.
  std::unique_ptr<ThreadPool> pool_;
};

}  // namespace maestro::openai
