// `maestro load URL`: drives closed-loop (--users) or open-loop (--rate) HTTP load at one URL and prints a k6-like
// summary. The same generator runs inside `maestro bench`.
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "apps/maestro/command_registry.h"
#include "bench/load/load_generator.h"
#include "bench/resources/resource_sampler.h"
#include "common/parse_number.h"

namespace maestro::cli {
namespace {

std::atomic<bool> g_cancel{false};

void OnInterrupt(int) {
  g_cancel.store(true);
}

struct LoadOptions {
  std::string url;
  int vus = 0;
  double rate = 0;
  std::string duration = "10s";
  std::string warmup = "2s";
  std::string timeout = "6s";
  std::string think = "0s";
  std::string method;
  std::string body_file;
  std::string field = "file";
  std::string content_type;
  std::vector<std::string> headers;
  int max_outstanding = 1000;
  int connections = 0;
  int threads = 1;
  std::string expect_content_type;
  uint64_t expect_min_bytes = 0;
  std::vector<std::string> watch;
  bool json = false;
  std::string out;
  std::string tls_ca;
};

Status ReadFile(const std::string& path, std::string& out) {
  constexpr std::streamoff kMaxBytes = std::streamoff{256} << 20;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return InvalidArgument("cannot read body file '" + path + "'");
  const auto size = in.tellg();
  if (size > kMaxBytes) return InvalidArgument("body file larger than 256 MiB");
  out.resize(static_cast<size_t>(size));
  in.seekg(0);
  in.read(out.data(), size);
  if (!in) return InvalidArgument("cannot read body file '" + path + "'");
  return Status::Ok();
}

Result<bench::LoadConfig> BuildConfig(const LoadOptions& o) {
  bench::LoadConfig c;
  c.url = o.url;
  c.tls_ca = o.tls_ca;
  if (o.rate > 0 && o.vus > 0) return InvalidArgument("choose --users (closed loop) or --rate (open loop), not both");
  if (o.rate > 0) {
    c.mode = bench::LoadMode::kOpen;
    c.rate = o.rate;
  } else {
    c.vus = o.vus > 0 ? o.vus : 1;
  }
  for (auto [text, field] : {std::pair{&o.duration, &c.duration}, std::pair{&o.warmup, &c.warmup},
                             std::pair{&o.timeout, &c.timeout}, std::pair{&o.think, &c.think_time}}) {
    auto d = bench::ParseDuration(*text);
    if (!d.ok()) return d.status();
    *field = *d;
  }
  if (!o.body_file.empty()) {
    if (Status s = ReadFile(o.body_file, c.body); !s.ok()) return s;
    c.body_file_name = o.body_file;
  }
  c.method = o.method.empty() ? "POST" : o.method;
  c.multipart_field = o.field;
  c.content_type = o.content_type;
  for (const auto& header : o.headers) {
    const auto colon = header.find(':');
    if (colon == std::string::npos || colon == 0) return InvalidArgument("--header wants K:V, got '" + header + "'");
    std::string value = header.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    c.headers.emplace_back(header.substr(0, colon), value);
  }
  c.max_outstanding = o.max_outstanding;
  c.connections = o.connections;
  c.threads = o.threads;
  c.expect_content_type = o.expect_content_type;
  c.expect_min_body_bytes = o.expect_min_bytes;
  if (Status s = bench::ValidateLoadConfig(c); !s.ok()) return s;
  return c;
}

int RunLoadCommand(const LoadOptions& o) {
  auto config = BuildConfig(o);
  if (!config.ok()) {
    std::cerr << "maestro load: " << config.status().message() << "\n";
    return 2;
  }
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  // The generator itself is always sampled, so its cost shows next to the services'.
  bench::ResourceSampler sampler;
  if (auto status = sampler.Watch("generator", getpid()); !status.ok()) {
    std::cerr << "maestro load: " << status.ToString() << "\n";
    return 1;
  }
  for (const auto& entry : o.watch) {
    const auto colon = entry.find(':');
    const pid_t pid =
        colon == std::string::npos ? 0 : ParseNumber<pid_t>(std::string_view(entry).substr(colon + 1)).value_or(0);
    Status s = pid > 0 ? sampler.Watch(entry.substr(0, colon), pid) : InvalidArgument("--watch wants NAME:PID");
    if (!s.ok()) {
      std::cerr << "maestro load: " << entry << ": " << s.message() << "\n";
      return 2;
    }
  }
  bench::WindowHooks hooks;
  Status sampling;
  hooks.window_started = [&] { sampling = sampler.Start(); };
  hooks.window_ended = [&sampler] { sampler.Stop(); };
  if (config->mode == bench::LoadMode::kClosed && o.connections > 0 && o.connections != config->vus) {
    std::cerr << "maestro load: note: --connections applies to the open loop; each closed-loop user keeps its own "
                 "connection\n";
  }
  if (!o.json) {
    std::cerr << "maestro load: " << o.url << " for " << o.duration << " after " << o.warmup << " warm-up\n";
  }
  auto summary = bench::RunLoad(*config, &g_cancel, &hooks);
  sampler.Stop();
  const auto resources = sampler.Summary();
  if (!summary.ok()) {
    std::cerr << "maestro load: " << summary.status().ToString() << "\n";
    return summary.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  if (!sampling.ok()) {
    std::cerr << "maestro load: sampling resources: " << sampling.ToString() << "\n";
    return 1;
  }
  if (!o.out.empty()) {
    std::ofstream out(o.out);
    auto json = bench::SummaryToJson(*summary, true);
    json["resources"] = bench::ResourcesToJson(resources);
    out << json.dump(2) << "\n";
    if (!out) {
      std::cerr << "maestro load: cannot write '" << o.out << "'\n";
      return 1;
    }
  }
  if (o.json) {
    auto json = bench::SummaryToJson(*summary, false);
    json["resources"] = bench::ResourcesToJson(resources);
    std::cout << json.dump(2) << "\n";
  } else {
    std::cout << bench::FormatSummaryTable(*summary) << "\n  resources over the window (CPU in % of one core):\n"
              << bench::FormatResourcesTable(resources);
  }
  if (summary->generator_bottleneck) {
    std::cerr << "maestro load: warning: the generator was the bottleneck (busiest thread "
              << summary->max_thread_cpu_percent << "% of a core)\n";
  }
  return 0;
}

RegisterCommand load_command(
    "load", "Drive closed-loop (--users) or open-loop (--rate) HTTP load at a URL and summarise it",
    [](CLI::App& cmd) -> std::function<int()> {
      auto o = std::make_shared<LoadOptions>();
      cmd.add_option("url", o->url, "http[s]://host:port/path")->required();
      cmd.add_option("--tls-ca", o->tls_ca, "CA (PEM) an https:// server is verified against (default: the system's)")
          ->envname("MAESTRO_TLS_CA");
      auto* vus =
          cmd.add_option("--users", o->vus, "Closed loop: virtual users (default 1)")->check(CLI::Range(1, 100000));
      cmd.add_option("--rate", o->rate, "Open loop: requests per second")->excludes(vus)->check(CLI::PositiveNumber);
      cmd.add_option("--duration", o->duration, "Measured window, e.g. 10s")->capture_default_str();
      cmd.add_option("--warmup", o->warmup, "Warm-up before the window; its results are discarded")
          ->capture_default_str();
      cmd.add_option("--timeout", o->timeout, "Per-request timeout, counted as an error")->capture_default_str();
      cmd.add_option("--think", o->think, "Closed loop: pause after each response")->capture_default_str();
      cmd.add_option("--method", o->method, "HTTP method (default POST)");
      cmd.add_option("--body", o->body_file, "Body file; sent as multipart field --field unless --content-type");
      cmd.add_option("--field", o->field, "Multipart field name for --body")->capture_default_str();
      cmd.add_option("--content-type", o->content_type, "Send --body raw with this Content-Type");
      cmd.add_option("--header", o->headers, "Extra header K:V (repeatable)");
      cmd.add_option("--max-outstanding", o->max_outstanding,
                     "Open loop: outstanding requests; later sends are dropped")
          ->capture_default_str()
          ->check(CLI::Range(1, 100000));
      cmd.add_option("--connections", o->connections, "Open loop: connection pool size (default --max-outstanding)")
          ->check(CLI::Range(1, 100000));
      cmd.add_option("--threads", o->threads, "io threads")->capture_default_str()->check(CLI::Range(1, 64));
      cmd.add_option("--expect-content-type", o->expect_content_type, "Responses must have this Content-Type prefix");
      cmd.add_option("--expect-min-bytes", o->expect_min_bytes, "Responses must have at least this many body bytes");
      cmd.add_option("--watch", o->watch, "Also sample the CPU, RSS and TCP bytes of process NAME:PID (repeatable)");
      cmd.add_flag("--json", o->json, "Print the JSON summary instead of the table");
      cmd.add_option("-o,--out", o->out, "Write the JSON summary with the raw histogram to this file");
      return [o] { return RunLoadCommand(*o); };
    });

}  // namespace
}  // namespace maestro::cli
