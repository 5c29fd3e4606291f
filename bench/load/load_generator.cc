#include "bench/load/load_generator.h"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "bench/load/http_target.h"
#include "bench/load/response_parser.h"
#include "net/tls_context.h"

namespace maestro::bench {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::nanoseconds;

constexpr size_t kReadBufferBytes = 16 * 1024;
constexpr uint32_t kMaxHeaderBytes = 12 * 1024;
constexpr double kBottleneckPercent = 85.0;

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// What every worker shares, read-only, during a run.
struct RunPlan {
  const LoadConfig* config = nullptr;
  tcp::endpoint endpoint;
  std::string host;                         // the URL's host, which a TLS server's certificate must name
  std::shared_ptr<asio::ssl::context> tls;  // set for https
  std::string request;
  Clock::time_point start;         // first send
  Clock::time_point window_start;  // start + warm-up
  Clock::time_point window_end;    // window_start + duration
  const std::atomic<bool>* cancel = nullptr;
};

// One worker's share of the load.
struct WorkerShare {
  int index = 0;
  int vus = 0;
  double rate = 0;
  nanoseconds phase{0};  // offsets this worker's open-loop schedule so workers interleave
  int max_outstanding = 0;
  int connections = 0;
};

struct WorkerResult {
  LatencyHistogram latency;
  LatencyHistogram first_byte;
  LoadErrors errors;
  uint64_t requests = 0;
  uint64_t succeeded = 0;
  uint64_t completed_in_window = 0;
  uint64_t scheduled = 0;
  uint64_t unfinished = 0;
  uint64_t late = 0;
  uint64_t dropped = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  double cpu_s = 0;
  double wall_s = 0;
  std::optional<Clock::time_point> cancelled_at;
};

enum class Outcome { kOk, kConnect, kTimeout, kIo, kHttpStatus, kWrongBody };

// Drives its connections on its own io_context; everything here runs on that one thread.
class Worker {
 public:
  Worker(const RunPlan& plan, const WorkerShare& share)
      : plan_(plan), config_(*plan.config), share_(share), control_timer_(io_), schedule_timer_(io_) {}

  void Run() {
    const double cpu_start = ThreadCpuSeconds();
    const auto wall_start = Clock::now();
    const auto tick =
        std::clamp<nanoseconds>(config_.timeout / 4, std::chrono::milliseconds(1), std::chrono::milliseconds(5));
    tick_ = tick;
    schedule_timer_.expires_at(plan_.start);
    schedule_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      if (config_.mode == LoadMode::kClosed) {
        for (int i = 0; i < share_.vus; ++i) Begin(NewConnection(), Clock::now());
      } else {
        OnSchedule();
      }
    });
    ArmControl();
    io_.run();
    result_.cpu_s = ThreadCpuSeconds() - cpu_start;
    result_.wall_s = Seconds(Clock::now() - wall_start);
  }

  WorkerResult& result() { return result_; }

 private:
  struct Connection {
    explicit Connection(asio::io_context& io) : socket(io), think_timer(io), buffer(new char[kReadBufferBytes]) {}
    tcp::socket socket;
    // The TLS layer over `socket` (https), new for every connection. Handlers hold it too: an abandoned
    // operation still runs on it after Close.
    std::shared_ptr<asio::ssl::stream<tcp::socket&>> tls;
    asio::steady_timer think_timer;
    std::unique_ptr<char[]> buffer;
    size_t buffered = 0;
    std::optional<ResponseParser> parser;
    bool open = false;
    bool busy = false;
    bool reused = false;      // a response already came back on this socket
    bool retried = false;     // this request was already resent once after a stale keep-alive connection broke
    uint64_t generation = 0;  // bumped when pending operations are abandoned, so their handlers do nothing
    Clock::time_point intended;
    Clock::time_point deadline;
    std::optional<Clock::time_point> first_body_byte;  // when the response's body began (streamed answers)
    uint64_t received = 0;
    uint64_t sent = 0;
  };

  Connection& NewConnection() {
    connections_.push_back(std::make_unique<Connection>(io_));
    return *connections_.back();
  }

  bool InWindow(Clock::time_point intended) const {
    return intended >= plan_.window_start && intended < plan_.window_end;
  }

  void Begin(Connection& c, Clock::time_point intended) {
    const auto now = Clock::now();
    c.busy = true;
    c.intended = intended;
    c.retried = false;
    c.received = 0;
    c.sent = 0;
    ++in_flight_;
    if (config_.mode == LoadMode::kOpen && InWindow(intended) && now - intended > config_.late_threshold) {
      ++result_.late;
    }
    Send(c);
  }

  void Send(Connection& c) {
    c.deadline = Clock::now() + config_.timeout;
    c.first_body_byte.reset();
    if (c.open) {
      Write(c);
    } else {
      Connect(c);
    }
  }

  void Close(Connection& c) {
    ++c.generation;
    boost::system::error_code ignored;
    c.socket.close(ignored);
    c.tls.reset();  // pending handlers keep it alive until they run
    c.open = false;
    c.reused = false;
  }

  void Connect(Connection& c) {
    const uint64_t generation = c.generation;
    c.socket.async_connect(plan_.endpoint, [this, &c, generation](boost::system::error_code ec) {
      if (generation != c.generation) return;
      if (ec) {
        Close(c);
        Finish(c, Outcome::kConnect);
        return;
      }
      boost::system::error_code ignored;
      c.socket.set_option(tcp::no_delay(true), ignored);
      if (plan_.tls) {
        Handshake(c);
        return;
      }
      c.open = true;
      Write(c);
    });
  }

  void Handshake(Connection& c) {
    const uint64_t generation = c.generation;
    c.tls = std::make_shared<asio::ssl::stream<tcp::socket&>>(c.socket, *plan_.tls);
    if (!net::PrepareClientTls(c.tls->native_handle(), plan_.host).ok()) {
      Close(c);
      Finish(c, Outcome::kConnect);
      return;
    }
    c.tls->async_handshake(asio::ssl::stream_base::client,
                           [this, &c, generation, keep = c.tls](boost::system::error_code ec) {
                             if (generation != c.generation) return;
                             if (ec) {
                               Close(c);
                               Finish(c, Outcome::kConnect);
                               return;
                             }
                             c.open = true;
                             Write(c);
                           });
  }

  void Write(Connection& c) {
    c.parser.emplace(config_.max_response_body_bytes, kMaxHeaderBytes);
    c.buffered = 0;
    const uint64_t generation = c.generation;
    auto written = [this, &c, generation, keep = c.tls](boost::system::error_code ec, size_t n) {
      if (generation != c.generation) return;
      c.sent += n;
      if (ec) {
        Broken(c);
        return;
      }
      Read(c);
    };
    if (c.tls) {
      asio::async_write(*c.tls, asio::buffer(plan_.request), std::move(written));
    } else {
      asio::async_write(c.socket, asio::buffer(plan_.request), std::move(written));
    }
  }

  void Read(Connection& c) {
    const uint64_t generation = c.generation;
    auto into = asio::buffer(c.buffer.get() + c.buffered, kReadBufferBytes - c.buffered);
    auto read = [this, &c, generation, keep = c.tls](boost::system::error_code ec, size_t n) {
      if (generation != c.generation) return;
      if (ec) {
        // A TLS server that closes without close_notify ends the body the same way.
        const bool eof = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
        if (eof && c.parser->need_eof()) {
          boost::beast::error_code eof_ec;
          c.parser->put_eof(eof_ec);
          if (!eof_ec && c.parser->is_done()) {
            Complete(c);
            return;
          }
        }
        Broken(c);
        return;
      }
      c.buffered += n;
      c.received += n;
      Parse(c);
    };
    if (c.tls) {
      c.tls->async_read_some(into, std::move(read));
    } else {
      c.socket.async_read_some(into, std::move(read));
    }
  }

  void Parse(Connection& c) {
    size_t offset = 0;
    while (offset < c.buffered && !c.parser->is_done()) {
      boost::beast::error_code ec;
      const size_t used = c.parser->put(asio::buffer(c.buffer.get() + offset, c.buffered - offset), ec);
      offset += used;
      if (ec == boost::beast::http::error::need_more) break;
      if (ec) {
        Close(c);
        Finish(c, Outcome::kIo);
        return;
      }
      if (used == 0) break;
    }
    if (!c.first_body_byte && c.parser->body_bytes() > 0) c.first_body_byte = Clock::now();
    if (c.parser->is_done()) {
      // Bytes past the response would be an unsolicited extra response: the connection is not reusable.
      const bool clean = offset == c.buffered;
      c.buffered = 0;
      Complete(c, clean);
      return;
    }
    if (offset > 0) {
      std::memmove(c.buffer.get(), c.buffer.get() + offset, c.buffered - offset);
      c.buffered -= offset;
    }
    if (c.buffered == kReadBufferBytes) {  // a header larger than the buffer
      Close(c);
      Finish(c, Outcome::kIo);
      return;
    }
    Read(c);
  }

  void Complete(Connection& c, bool reusable = true) {
    const ResponseParser& p = *c.parser;
    Outcome outcome = Outcome::kOk;
    if (p.status() >= 400) {
      outcome = Outcome::kHttpStatus;
    } else if (!config_.expect_content_type.empty() && p.content_type().rfind(config_.expect_content_type, 0) != 0) {
      outcome = Outcome::kWrongBody;
    } else if (p.body_bytes() < config_.expect_min_body_bytes) {
      outcome = Outcome::kWrongBody;
    }
    status_ = p.status();
    if (p.keep_alive() && reusable) {
      c.reused = true;
    } else {
      Close(c);
    }
    Finish(c, outcome);
  }

  // The connection failed after the request was (partly) sent. A keep-alive connection the server closed while
  // idle fails this way before any response byte: resend once on a fresh connection, as browsers and k6 do.
  void Broken(Connection& c) {
    const bool stale_keep_alive = c.reused && c.received == 0 && !c.retried;
    Close(c);
    if (stale_keep_alive && !stopping_) {
      c.retried = true;
      Send(c);
      return;
    }
    Finish(c, Outcome::kIo);
  }

  void Finish(Connection& c, Outcome outcome) {
    const auto now = Clock::now();
    c.busy = false;
    --in_flight_;
    if (outcome == Outcome::kOk && InWindow(now)) ++result_.completed_in_window;
    if (InWindow(c.intended) && !hard_stopped_) {
      ++result_.requests;
      result_.bytes_sent += c.sent;
      result_.bytes_received += c.received;
      switch (outcome) {
        case Outcome::kOk:
          ++result_.succeeded;
          result_.latency.Record(std::chrono::duration_cast<nanoseconds>(now - c.intended).count());
          result_.first_byte.Record(
              std::chrono::duration_cast<nanoseconds>(c.first_body_byte.value_or(now) - c.intended).count());
          break;
        case Outcome::kConnect:
          ++result_.errors.connect;
          break;
        case Outcome::kTimeout:
          ++result_.errors.timeout;
          break;
        case Outcome::kIo:
          ++result_.errors.io;
          break;
        case Outcome::kHttpStatus:
          ++result_.errors.http_status[status_];
          break;
        case Outcome::kWrongBody:
          ++result_.errors.wrong_body;
          break;
      }
    }
    // The open loop drains its queue after the window too: those sends were scheduled in it.
    if (!stopping_ || config_.mode == LoadMode::kOpen) Next(c, now);
    if (stopping_ && in_flight_ == 0) Shutdown();
  }

  void Next(Connection& c, Clock::time_point now) {
    if (config_.mode == LoadMode::kClosed) {
      if (now >= plan_.window_end) return;
      if (config_.think_time.count() == 0) {
        Begin(c, now);
        return;
      }
      c.think_timer.expires_after(config_.think_time);
      c.think_timer.async_wait([this, &c](boost::system::error_code ec) {
        if (ec || stopping_) return;
        Begin(c, Clock::now());
      });
      return;
    }
    if (!queue_.empty()) {
      const auto intended = queue_.front();
      queue_.pop_front();
      Begin(c, intended);
      return;
    }
    idle_.push_back(&c);
  }

  Clock::time_point Intended(uint64_t k) const {
    return plan_.start + share_.phase + nanoseconds(static_cast<int64_t>(std::llround(k * 1e9 / share_.rate)));
  }

  void OnSchedule() {
    const auto now = Clock::now();
    while (!stopping_) {
      const auto intended = Intended(next_send_);
      if (intended >= plan_.window_end) {
        BeginStopping();
        return;
      }
      if (intended > now) break;
      ++next_send_;
      Dispatch(intended);
    }
    if (stopping_) return;
    schedule_timer_.expires_at(Intended(next_send_));
    schedule_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) OnSchedule();
    });
  }

  void Dispatch(Clock::time_point intended) {
    const bool in_window = InWindow(intended);
    if (in_window) ++result_.scheduled;
    if (!idle_.empty()) {
      Connection* c = idle_.back();
      idle_.pop_back();
      Begin(*c, intended);
    } else if (static_cast<int>(connections_.size()) < share_.connections) {
      Begin(NewConnection(), intended);
    } else if (in_flight_ + static_cast<int64_t>(queue_.size()) < share_.max_outstanding) {
      queue_.push_back(intended);
    } else if (in_window) {
      ++result_.dropped;
    }
  }

  void ArmControl() {
    control_timer_.expires_after(tick_);
    control_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      OnControl();
    });
  }

  void OnControl() {
    const auto now = Clock::now();
    if (plan_.cancel != nullptr && plan_.cancel->load(std::memory_order_relaxed)) {
      result_.cancelled_at = now;
      hard_stopped_ = true;
      Shutdown();
      return;
    }
    for (auto& c : connections_) {
      if (shut_down_) return;
      if (c->busy && now >= c->deadline) {
        Close(*c);
        Finish(*c, Outcome::kTimeout);
      }
    }
    if (!stopping_ && now >= plan_.window_end) BeginStopping();
    if (stopping_ && now >= plan_.window_end + config_.timeout + tick_) {
      hard_stopped_ = true;  // only possible if a request outlived its own timeout sweep; nothing is left to wait for
      Shutdown();
      return;
    }
    if (!shut_down_) ArmControl();
  }

  void BeginStopping() {
    if (stopping_) return;
    stopping_ = true;
    schedule_timer_.cancel();
    for (auto& c : connections_) {
      if (!c->busy) c->think_timer.cancel();
    }
    if (in_flight_ == 0) Shutdown();
  }

  void Shutdown() {
    if (shut_down_) return;
    shut_down_ = true;
    stopping_ = true;
    for (const auto intended : queue_) result_.unfinished += InWindow(intended) ? 1 : 0;
    queue_.clear();
    for (auto& c : connections_) {
      if (c->busy && InWindow(c->intended)) ++result_.unfinished;
      c->think_timer.cancel();
      Close(*c);
    }
    schedule_timer_.cancel();
    control_timer_.cancel();
    io_.stop();
  }

  const RunPlan& plan_;
  const LoadConfig& config_;
  WorkerShare share_;
  asio::io_context io_{1};
  asio::steady_timer control_timer_;
  asio::steady_timer schedule_timer_;
  nanoseconds tick_{std::chrono::milliseconds(5)};
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> idle_;
  std::deque<Clock::time_point> queue_;
  uint64_t next_send_ = 0;
  int64_t in_flight_ = 0;
  int status_ = 0;
  bool stopping_ = false;
  bool hard_stopped_ = false;
  bool shut_down_ = false;
  WorkerResult result_;
};

Result<tcp::endpoint> Resolve(const HttpUrl& target) {
  asio::io_context io;
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto results = resolver.resolve(target.host, std::to_string(target.port), ec);
  if (ec || results.empty()) {
    return Unavailable("load: cannot resolve '" + target.host + "': " + (ec ? ec.message() : "no address"));
  }
  for (const auto& entry : results) {
    if (entry.endpoint().address().is_v4()) return entry.endpoint();
  }
  return results.begin()->endpoint();
}

std::vector<WorkerShare> SplitLoad(const LoadConfig& config) {
  const int threads = config.mode == LoadMode::kClosed ? std::min(config.threads, config.vus) : config.threads;
  const int connections = config.connections > 0 ? config.connections : config.max_outstanding;
  std::vector<WorkerShare> shares;
  for (int i = 0; i < threads; ++i) {
    WorkerShare share;
    share.index = i;
    share.vus = config.vus / threads + (i < config.vus % threads ? 1 : 0);
    share.rate = config.rate / threads;
    share.phase = nanoseconds(config.rate > 0 ? static_cast<int64_t>(i * 1e9 / config.rate) : 0);
    share.max_outstanding = std::max(1, (config.max_outstanding + threads - 1) / threads);
    share.connections = std::max(1, (connections + threads - 1) / threads);
    shares.push_back(share);
  }
  return shares;
}

// Each connection is a file descriptor: raises the soft limit towards the hard one when the run needs more.
Status EnsureDescriptors(const LoadConfig& config) {
  const uint64_t connections =
      config.mode == LoadMode::kClosed
          ? static_cast<uint64_t>(config.vus)
          : static_cast<uint64_t>(config.connections > 0 ? config.connections : config.max_outstanding);
  const rlim_t needed = connections + 256;  // headroom for the rest of the process
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= needed) return Status::Ok();
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
    return InvalidArgument("load: " + std::to_string(connections) + " connections need " + std::to_string(needed) +
                           " file descriptors, but the hard limit is " + std::to_string(limit.rlim_max));
  }
  limit.rlim_cur = needed;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return Internal("load: cannot raise the file descriptor limit");
  return Status::Ok();
}

// Calls the window hooks on time, from its own thread, until the run is over.
class HookCaller {
 public:
  HookCaller(const WindowHooks* hooks, Clock::time_point start, Clock::time_point end) {
    if (hooks == nullptr || (!hooks->window_started && !hooks->window_ended)) return;
    thread_ = std::thread([this, hooks, start, end] {
      std::unique_lock lock(mutex_);
      if (wake_.wait_until(lock, start, [this] { return done_; })) return;
      if (hooks->window_started) hooks->window_started();
      wake_.wait_until(lock, end, [this] { return done_; });
      if (hooks->window_ended) hooks->window_ended();
    });
  }
  // Ends the wait early: the run is over.
  ~HookCaller() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

Result<LoadSummary> RunLoad(const LoadConfig& config, const std::atomic<bool>* cancel, const WindowHooks* hooks) {
  if (Status s = ValidateLoadConfig(config); !s.ok()) return s;
  auto target = ParseHttpUrl(config.url);
  if (!target.ok()) return target.status();
  auto endpoint = Resolve(*target);
  if (!endpoint.ok()) return endpoint.status();
  if (Status s = EnsureDescriptors(config); !s.ok()) return s;

  RunPlan plan;
  plan.config = &config;
  plan.endpoint = *endpoint;
  plan.request = SerializeRequest(config, *target);
  plan.host = target->host;
  if (target->https) {
    auto context = net::MakeTlsContext({.ca_file = config.tls_ca}, tls::TlsRole::kClient);
    if (!context.ok()) return context.status();
    plan.tls = std::move(context).value();
  } else if (!config.tls_ca.empty()) {
    return InvalidArgument("load: a TLS CA needs an https:// url");
  }
  plan.cancel = cancel;
  // A short lead time lets every worker thread be running before the first send.
  plan.start = Clock::now() + std::chrono::milliseconds(5);
  plan.window_start = plan.start + config.warmup;
  plan.window_end = plan.window_start + config.duration;

  const double process_cpu_start = ProcessCpuSeconds();
  const auto wall_start = Clock::now();
  std::vector<std::unique_ptr<Worker>> workers;
  for (const auto& share : SplitLoad(config)) workers.push_back(std::make_unique<Worker>(plan, share));
  std::vector<std::thread> threads;
  std::optional<HookCaller> hook_caller;
  hook_caller.emplace(hooks, plan.window_start, plan.window_end);
  for (size_t i = 1; i < workers.size(); ++i) threads.emplace_back([&w = *workers[i]] { w.Run(); });
  workers[0]->Run();
  for (auto& t : threads) t.join();
  hook_caller.reset();
  const double wall_s = Seconds(Clock::now() - wall_start);
  const double process_cpu_s = ProcessCpuSeconds() - process_cpu_start;

  LoadSummary summary;
  summary.mode = config.mode;
  summary.url = config.url;
  summary.vus = config.mode == LoadMode::kClosed ? config.vus : 0;
  summary.target_rate = config.mode == LoadMode::kOpen ? config.rate : 0;
  summary.threads = static_cast<int>(workers.size());
  summary.warmup_s = Seconds(config.warmup);
  summary.window_s = Seconds(config.duration);
  for (auto& worker : workers) {
    WorkerResult& r = worker->result();
    summary.latency.Merge(r.latency);
    summary.first_byte.Merge(r.first_byte);
    summary.errors.Merge(r.errors);
    summary.requests += r.requests;
    summary.succeeded += r.succeeded;
    summary.completed_in_window += r.completed_in_window;
    summary.unfinished += r.unfinished;
    summary.scheduled += r.scheduled;
    summary.late += r.late;
    summary.dropped += r.dropped;
    summary.bytes_sent += r.bytes_sent;
    summary.bytes_received += r.bytes_received;
    if (r.wall_s > 0)
      summary.max_thread_cpu_percent = std::max(summary.max_thread_cpu_percent, 100.0 * r.cpu_s / r.wall_s);
    if (r.cancelled_at) {
      summary.cancelled = true;
      summary.window_s = std::min(summary.window_s, std::max(0.0, Seconds(*r.cancelled_at - plan.window_start)));
    }
  }
  summary.process_cpu_percent = wall_s > 0 ? 100.0 * process_cpu_s / wall_s : 0;
  summary.generator_bottleneck = summary.max_thread_cpu_percent > kBottleneckPercent;
  return summary;
}

}  // namespace maestro::bench
