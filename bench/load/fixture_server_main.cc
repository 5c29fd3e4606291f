// maestro_fixture_server: runs FixtureHttpServer standalone, the trivial endpoint for comparing `maestro load`
// with wrk (bench/load/compare_with_wrk.sh). Prints "listening on PORT" and serves until SIGINT/SIGTERM.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "bench/load/fixture_http_server.h"

int main(int argc, char** argv) {
  CLI::App app{"A trivial HTTP/1.1 server with a fixed service time, for load-generator benchmarks"};
  int port = 0;
  double service_ms = 0;
  int threads = 1;
  int status = 200;
  size_t body_bytes = 2;
  app.add_option("--port", port, "Port on 127.0.0.1 (0 = any free port)")->check(CLI::Range(0, 65535));
  app.add_option("--service-ms", service_ms, "Service time per request in milliseconds")
      ->check(CLI::Range(0.0, 60000.0));
  app.add_option("--threads", threads, "io threads")->check(CLI::Range(1, 64));
  app.add_option("--status", status, "HTTP status of every response")->check(CLI::Range(100, 599));
  app.add_option("--body-bytes", body_bytes, "Response body size")->check(CLI::Range(size_t{0}, size_t{1} << 26));
  CLI11_PARSE(app, argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // io threads inherit the mask; main waits for the signal

  maestro::bench::FixtureServerOptions options;
  options.service_time = std::chrono::nanoseconds(static_cast<int64_t>(service_ms * 1e6));
  options.threads = threads;
  options.status = status;
  options.body = std::string(body_bytes, 'x');
  auto server = maestro::bench::StartFixtureHttpServer(options, static_cast<uint16_t>(port));
  if (!server.ok()) {
    std::cerr << server.status().ToString() << "\n";
    return 1;
  }
  std::cout << "listening on " << (*server)->port() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  (*server)->Stop();
  std::cout << "served " << (*server)->requests() << " requests" << std::endl;
  return 0;
}
