#include "engines/openai/openai_client.h"

#include <httplib.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <thread>

namespace maestro::openai {
namespace {

constexpr int kMaxBackoffMs = 2000;
constexpr size_t kMaxBodyQuote = 200;

Result<int> TakeInt(EngineOptions& options, const std::string& key, int fallback, int min, int max) {
  auto it = options.find(key);
  if (it == options.end()) return fallback;
  char* end = nullptr;
  long value = std::strtol(it->second.c_str(), &end, 10);
  if (end == it->second.c_str() || *end != '\0' || value < min || value > max) {
    return InvalidArgument("option " + key + "='" + it->second + "' must be an integer from " + std::to_string(min) +
                           " to " + std::to_string(max));
  }
  options.erase(it);
  return static_cast<int>(value);
}

std::string Quote(const std::string& body) {
  return body.size() > kMaxBodyQuote ? body.substr(0, kMaxBodyQuote) + "..." : body;
}

bool Retryable(int status) {
  return status == 429 || status >= 500;
}

// Full jitter: a uniform delay between half and all of the exponential step, so that clients that failed together
// do not retry together.
std::chrono::milliseconds Backoff(int base_ms, int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  int64_t step = std::min<int64_t>(kMaxBackoffMs, static_cast<int64_t>(base_ms) << std::min(attempt, 16));
  std::uniform_int_distribution<int64_t> jitter(step / 2, std::max<int64_t>(step / 2, step));
  return std::chrono::milliseconds(jitter(random));
}

void SetTimeouts(httplib::Client& client, const ClientConfig& config, int64_t remaining_ms) {
  auto micros = [](int64_t ms) { return std::chrono::microseconds(std::max<int64_t>(ms, 1) * 1000); };
  client.set_connection_timeout(micros(std::min<int64_t>(config.connect_timeout_ms, remaining_ms)));
  client.set_read_timeout(micros(remaining_ms));
  client.set_write_timeout(micros(remaining_ms));
}

}  // namespace

Result<ClientConfig> TakeClientConfig(EngineOptions& options) {
  ClientConfig config;
  if (auto it = options.find("base"); it != options.end()) {
    config.base = it->second;
    options.erase(it);
  }
  if (auto it = options.find("path"); it != options.end()) {
    config.path = it->second;
    options.erase(it);
    if (config.path.empty() || config.path[0] != '/') return InvalidArgument("option path must start with '/'");
  }
  std::string key_variable;
  if (auto it = options.find("api_key_env"); it != options.end()) {
    key_variable = it->second;
    options.erase(it);
  }
  for (const std::string& name : key_variable.empty()
                                     ? std::vector<std::string>{"MAESTRO_OPENAI_API_KEY", "OPENAI_API_KEY"}
                                     : std::vector<std::string>{key_variable}) {
    if (const char* key = std::getenv(name.c_str()); key && *key) {
      config.api_key = key;
      break;
    }
  }
  auto workers = TakeInt(options, "workers", config.workers, 1, 256);
  if (!workers.ok()) return workers.status();
  auto queue = TakeInt(options, "queue", config.max_queued, 1, 100000);
  if (!queue.ok()) return queue.status();
  auto retries = TakeInt(options, "retries", config.retries, 0, 10);
  if (!retries.ok()) return retries.status();
  auto backoff = TakeInt(options, "backoff_ms", config.backoff_ms, 1, 60000);
  if (!backoff.ok()) return backoff.status();
  auto connect = TakeInt(options, "connect_timeout_ms", config.connect_timeout_ms, 1, 600000);
  if (!connect.ok()) return connect.status();
  config.workers = *workers;
  config.max_queued = *queue;
  config.retries = *retries;
  config.backoff_ms = *backoff;
  config.connect_timeout_ms = *connect;
  return config;
}

Status RejectUnknown(const EngineOptions& options, const std::string& engine) {
  if (options.empty()) return Status::Ok();
  return InvalidArgument(engine + ": unknown option '" + options.begin()->first + "'");
}

Result<std::unique_ptr<OpenAiClient>> OpenAiClient::Create(ClientConfig config) {
  const std::string& base = config.base;
  size_t scheme_end = base.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : base.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return InvalidArgument("option base='" + base + "' must look like http://host:port");
  }
  size_t path_start = base.find('/', scheme_end + 3);
  std::string scheme_host_port = base.substr(0, path_start);
  std::string prefix = path_start == std::string::npos ? "" : base.substr(path_start);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  // Users often paste the OpenAI-style base that already ends in /v1; endpoint paths carry it themselves.
  if (prefix.size() >= 3 && prefix.compare(prefix.size() - 3, 3, "/v1") == 0) prefix.resize(prefix.size() - 3);
  if (scheme_host_port.size() <= scheme.size() + 3) return InvalidArgument("option base='" + base + "' has no host");
  auto client = std::unique_ptr<OpenAiClient>(new OpenAiClient(std::move(config), scheme_host_port, prefix));
  if (!httplib::Client(client->scheme_host_port_).is_valid()) {
    return InvalidArgument("option base='" + base + "' is not a valid URL");
  }
  return client;
}

OpenAiClient::OpenAiClient(ClientConfig config, std::string scheme_host_port, std::string prefix)
    : config_(std::move(config)),
      scheme_host_port_(std::move(scheme_host_port)),
      prefix_(std::move(prefix)),
      pool_(std::make_unique<ThreadPool>(config_.workers, config_.max_queued, "openai")) {}

OpenAiClient::~OpenAiClient() {
  pool_.reset();
}

bool OpenAiClient::Submit(std::function<void()> task) {
  return pool_->Submit(std::move(task));
}

std::unique_ptr<httplib::Client> OpenAiClient::Checkout() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      auto client = std::move(idle_.back());
      idle_.pop_back();
      return client;
    }
  }
  auto client = std::make_unique<httplib::Client>(scheme_host_port_);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  if (!config_.api_key.empty()) client->set_bearer_token_auth(config_.api_key.c_str());
  return client;
}

void OpenAiClient::Return(std::unique_ptr<httplib::Client> client) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(client));
}

Result<HttpReply> OpenAiClient::Post(const std::string& path, const Send& send, Deadline deadline) {
  const std::string full_path = prefix_ + path;
  const std::string where = "POST " + scheme_host_port_ + full_path;
  Status last = Unavailable(where + ": not attempted");
  for (int attempt = 0; attempt <= config_.retries; ++attempt) {
    if (attempt > 0) {
      auto pause = Backoff(config_.backoff_ms, attempt - 1);
      if (deadline.remaining_ms() <= pause.count()) break;
      std::this_thread::sleep_for(pause);
    }
    int64_t remaining = deadline.remaining_ms();
    if (remaining <= 0) break;
    auto client = Checkout();
    SetTimeouts(*client, config_, remaining);
    auto reply = send(*client, full_path);
    Return(std::move(client));
    if (reply.ok()) {
      if (reply->status >= 200 && reply->status < 300) return reply;
      last = Status(StatusCode::kUpstreamError,
                    where + " answered " + std::to_string(reply->status) + ": " + Quote(reply->body));
      if (!Retryable(reply->status)) return last;
      continue;
    }
    last = reply.status();
  }
  if (deadline.expired() || deadline.remaining_ms() <= 0) {
    return DeadlineExceeded(where + ": the deadline passed (last error: " + last.message() + ")");
  }
  return last;
}

namespace {

Result<HttpReply> ToReply(httplib::Result result, const std::string& where) {
  if (!result) {
    auto error = result.error();
    std::string message = where + ": " + httplib::to_string(error);
    return Unavailable(message);
  }
  return HttpReply{result->status, result->body, result->get_header_value("Content-Type")};
}

}  // namespace

Result<HttpReply> OpenAiClient::PostJson(const std::string& path, const std::string& json, Deadline deadline) {
  return Post(
      path,
      [&](httplib::Client& client, const std::string& full_path) {
        return ToReply(client.Post(full_path, json, "application/json"), "POST " + full_path);
      },
      deadline);
}

Result<HttpReply> OpenAiClient::PostMultipart(const std::string& path, const std::vector<HttpPart>& parts,
                                              Deadline deadline) {
  httplib::MultipartFormDataItems items;
  for (const auto& part : parts) items.push_back({part.name, part.content, part.filename, part.content_type});
  return Post(
      path,
      [&](httplib::Client& client, const std::string& full_path) {
        return ToReply(client.Post(full_path, items), "POST " + full_path);
      },
      deadline);
}

}  // namespace maestro::openai
