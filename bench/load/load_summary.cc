#include "bench/load/load_summary.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace maestro::bench {
namespace {

double Ms(int64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

}  // namespace

uint64_t LoadErrors::http_status_total() const {
  uint64_t total = 0;
  for (const auto& [code, n] : http_status) total += n;
  return total;
}

uint64_t LoadErrors::total() const {
  return connect + timeout + io + wrong_body + http_status_total();
}

void LoadErrors::Merge(const LoadErrors& other) {
  connect += other.connect;
  timeout += other.timeout;
  io += other.io;
  wrong_body += other.wrong_body;
  for (const auto& [code, n] : other.http_status) http_status[code] += n;
}

double LoadSummary::throughput_rps() const {
  return window_s > 0 ? static_cast<double>(completed_in_window) / window_s : 0;
}
double LoadSummary::request_rate() const {
  return window_s > 0 ? static_cast<double>(requests) / window_s : 0;
}
double LoadSummary::error_rate() const {
  return requests ? static_cast<double>(errors.total()) / static_cast<double>(requests) : 0;
}

const char* LoadModeName(LoadMode mode) {
  return mode == LoadMode::kClosed ? "closed" : "open";
}

nlohmann::json SummaryToJson(const LoadSummary& s, bool include_histogram) {
  nlohmann::json by_code = nlohmann::json::object();
  for (const auto& [code, n] : s.errors.http_status) by_code[std::to_string(code)] = n;
  const auto& h = s.latency;
  nlohmann::json json = {
      {"mode", LoadModeName(s.mode)},
      {"url", s.url},
      {"vus", s.vus},
      {"target_rate", s.target_rate},
      {"threads", s.threads},
      {"warmup_s", s.warmup_s},
      {"window_s", s.window_s},
      {"cancelled", s.cancelled},
      {"requests", s.requests},
      {"succeeded", s.succeeded},
      {"completed_in_window", s.completed_in_window},
      {"unfinished", s.unfinished},
      {"throughput_rps", s.throughput_rps()},
      {"request_rate", s.request_rate()},
      {"error_rate", s.error_rate()},
      {"errors",
       {{"total", s.errors.total()},
        {"connect", s.errors.connect},
        {"timeout", s.errors.timeout},
        {"io", s.errors.io},
        {"wrong_body", s.errors.wrong_body},
        {"http_status", s.errors.http_status_total()},
        {"http_status_by_code", by_code}}},
      {"open_loop", {{"scheduled", s.scheduled}, {"late", s.late}, {"dropped", s.dropped}}},
      {"data", {{"sent_bytes", s.bytes_sent}, {"received_bytes", s.bytes_received}}},
      {"latency_ms",
       {{"count", h.count()},
        {"mean", h.mean() / 1e6},
        {"min", Ms(h.min())},
        {"p50", Ms(h.ValueAtPercentile(50))},
        {"p90", Ms(h.ValueAtPercentile(90))},
        {"p95", Ms(h.ValueAtPercentile(95))},
        {"p99", Ms(h.ValueAtPercentile(99))},
        {"p99_9", Ms(h.ValueAtPercentile(99.9))},
        {"max", Ms(h.max())}}},
      {"first_byte_ms",
       {{"count", s.first_byte.count()},
        {"mean", s.first_byte.mean() / 1e6},
        {"p50", Ms(s.first_byte.ValueAtPercentile(50))},
        {"p90", Ms(s.first_byte.ValueAtPercentile(90))},
        {"p99", Ms(s.first_byte.ValueAtPercentile(99))}}},
      {"generator",
       {{"process_cpu_percent", s.process_cpu_percent},
        {"max_thread_cpu_percent", s.max_thread_cpu_percent},
        {"bottleneck", s.generator_bottleneck}}},
  };
  if (include_histogram) json["histogram"] = h.ToJson();
  return json;
}

std::string FormatSummaryTable(const LoadSummary& s) {
  const auto& h = s.latency;
  std::string out;
  if (s.mode == LoadMode::kClosed) {
    out += fmt::format("  mode ........ closed loop, {} VUs, {} thread(s)\n", s.vus, s.threads);
  } else {
    out += fmt::format("  mode ........ open loop, {:.1f} req/s target, {} thread(s)\n", s.target_rate, s.threads);
  }
  out += fmt::format("  window ...... {:.2f} s measured after {:.2f} s warm-up{}\n", s.window_s, s.warmup_s,
                     s.cancelled ? " (cancelled)" : "");
  out += fmt::format("  requests .... {}  ({:.1f}/s)\n", s.requests, s.request_rate());
  out += fmt::format("  succeeded ... {}  (throughput {:.1f}/s completed in the window)\n", s.succeeded,
                     s.throughput_rps());
  if (s.unfinished > 0)
    out += fmt::format("  unfinished .. {} (queued or in flight when the run ended)\n", s.unfinished);
  out += fmt::format("  errors ...... {}  ({:.2f}%)  connect={} timeout={} io={} wrong_body={} http_status={}\n",
                     s.errors.total(), 100.0 * s.error_rate(), s.errors.connect, s.errors.timeout, s.errors.io,
                     s.errors.wrong_body, s.errors.http_status_total());
  for (const auto& [code, n] : s.errors.http_status) out += fmt::format("                  HTTP {}: {}\n", code, n);
  if (s.mode == LoadMode::kOpen) {
    out += fmt::format("  sends ....... scheduled={} late={} dropped={}\n", s.scheduled, s.late, s.dropped);
  }
  out +=
      fmt::format("  latency ms .. mean={:.3f} p50={:.3f} p90={:.3f} p95={:.3f} p99={:.3f} p99.9={:.3f} max={:.3f}\n",
                  h.mean() / 1e6, Ms(h.ValueAtPercentile(50)), Ms(h.ValueAtPercentile(90)), Ms(h.ValueAtPercentile(95)),
                  Ms(h.ValueAtPercentile(99)), Ms(h.ValueAtPercentile(99.9)), Ms(h.max()));
  const auto& f = s.first_byte;
  out += fmt::format("  first byte .. mean={:.3f} p50={:.3f} p90={:.3f} p99={:.3f} ms (TTFA on /assist/stream)\n",
                     f.mean() / 1e6, Ms(f.ValueAtPercentile(50)), Ms(f.ValueAtPercentile(90)),
                     Ms(f.ValueAtPercentile(99)));
  out += fmt::format("  data ........ sent={} B received={} B\n", s.bytes_sent, s.bytes_received);
  out += fmt::format("  generator ... process CPU {:.1f}% of a core, busiest thread {:.1f}%\n", s.process_cpu_percent,
                     s.max_thread_cpu_percent);
  if (s.generator_bottleneck) {
    out +=
        "  WARNING: the generator's busiest thread used more than 85% of a core; it may be the bottleneck "
        "(add --threads or lower the load).\n";
  }
  return out;
}

}  // namespace maestro::bench
