#include "apps/maestro/cli_common.h"

#include <signal.h>

#include <cstdio>
#include <iostream>

#include "bench/load/load_config.h"
#include "orchestrator/stack.h"

namespace maestro::cli {

void AddTransportFlags(CLI::App& command, TransportOptions& options) {
  command.add_option("--connections", options.client_connections, "Connections a client keeps per service")
      ->envname("MAESTRO_CONNECTIONS")
      ->check(CLI::Range(1, 4096));
  command.add_option("--max-message-bytes", options.max_message_bytes, "Largest message accepted on the wire")
      ->envname("MAESTRO_MAX_MESSAGE_BYTES")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 30));
  command.add_option("--threads", options.server_threads, "Server threads (0: one per core)")
      ->envname("MAESTRO_THREADS")
      ->check(CLI::Range(0, 1024));
  command.add_option("--thrift-transport", options.thrift_transport, "Thrift transport: buffered or framed")
      ->envname("MAESTRO_THRIFT_TRANSPORT")
      ->check(CLI::IsMember({"buffered", "framed"}));
  command.add_option("--thrift-protocol", options.thrift_protocol, "Thrift protocol: binary or compact")
      ->envname("MAESTRO_THRIFT_PROTOCOL")
      ->check(CLI::IsMember({"binary", "compact"}));
  command
      .add_option("--stream-buffer-bytes", options.stream_buffer_bytes,
                  "A streamed answer held for a slow reader; beyond it the generation stops (overloaded)")
      ->envname("MAESTRO_STREAM_BUFFER_BYTES")
      ->check(CLI::Range(size_t{4096}, size_t{256} << 20))
      ->capture_default_str();
  command
      .add_option("--thrift-max-streams", options.thrift_max_streams,
                  "Thrift streams open at once; more get overloaded")
      ->envname("MAESTRO_THRIFT_MAX_STREAMS")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  AddDurationOption(command, "--thrift-stream-idle", options.thrift_stream_idle,
                    "A Thrift stream not polled for this long is cancelled and reclaimed")
      ->envname("MAESTRO_THRIFT_STREAM_IDLE");
  AddTlsFlags(command, options.tls);
}

void AddTlsFlags(CLI::App& command, tls::TlsOptions& tls) {
  command
      .add_option("--tls-cert", tls.cert_file,
                  "TLS certificate (PEM) this process presents; with --tls-key, TLS is on (docs/security.md)")
      ->envname("MAESTRO_TLS_CERT");
  command.add_option("--tls-key", tls.key_file, "Private key (PEM) of --tls-cert")->envname("MAESTRO_TLS_KEY");
  command
      .add_option("--tls-ca", tls.ca_file,
                  "CA (PEM) that peers are verified against; a server given one requires client certificates (mTLS)")
      ->envname("MAESTRO_TLS_CA");
  AddDurationOption(command, "--tls-reload", tls.reload_interval,
                    "How often the certificate and key files are checked for a renewal, which new connections then "
                    "use; 0 reads them once",
                    /*zero_allowed=*/true)
      ->envname("MAESTRO_TLS_RELOAD");
}

CLI::Option* AddDurationOption(CLI::App& command, const std::string& name, std::chrono::milliseconds& out,
                               const std::string& description, bool zero_allowed) {
  auto* option = command.add_option_function<std::string>(
      name,
      [name, &out, zero_allowed](const std::string& text) {
        auto parsed = bench::ParseDuration(text);
        const auto zero = std::chrono::nanoseconds::zero();
        if (!parsed.ok() || *parsed < zero || (*parsed == zero && !zero_allowed)) {
          throw CLI::ValidationError(
              name, "'" + text + "' is not a " + (zero_allowed ? "" : "positive ") + "duration such as 6s or 500ms");
        }
        out = std::chrono::ceil<std::chrono::milliseconds>(*parsed);
      },
      description);
  return option->default_str(DurationFlag(out));
}

std::string DurationFlag(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A client that hangs up must not kill a server through SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
}

int WaitForTermination() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int received = 0;
  sigwait(&set, &received);
  return received;
}

void AnnounceReady(uint16_t port, uint16_t admin_port) {
  std::printf("%s%u %u\n", kReadyLinePrefix, static_cast<unsigned>(port),
              static_cast<unsigned>(admin_port != 0 ? admin_port : port));
  std::fflush(stdout);
}

int Fail(const std::string& command, const std::string& message, int exit_code) {
  std::cerr << "maestro " << command << ": " << message << "\n";
  return exit_code;
}

}  // namespace maestro::cli
