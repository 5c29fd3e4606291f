// Flags and process plumbing shared by the `maestro` subcommands that run servers.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "transport/transport.h"

namespace maestro::cli {

// Adds the transport flags every server and client honours the same way (with MAESTRO_* environment names),
// the TLS ones (AddTlsFlags) included.
void AddTransportFlags(CLI::App& command, TransportOptions& options);

// Adds --tls-cert, --tls-key and --tls-ca (MAESTRO_TLS_CERT, _KEY, _CA) for `tls`.
void AddTlsFlags(CLI::App& command, tls::TlsOptions& tls);

// Adds a duration flag, written the same way in every command: "6s", "500ms", "2m", "1.5h" (a bare number is
// seconds). Parsed into `out`, which also gives the default shown in --help. Negative or malformed values, and
// zero unless `zero_allowed` (a flag where 0 turns something off), are refused while parsing.
CLI::Option* AddDurationOption(CLI::App& command, const std::string& name, std::chrono::milliseconds& out,
                               const std::string& description, bool zero_allowed = false);

// RETURNS `duration` as a flag value that AddDurationOption reads back, e.g. "6000ms".
std::string DurationFlag(std::chrono::milliseconds duration);

// Blocks SIGINT and SIGTERM in this thread and every thread it starts, so WaitForTermination can take them.
// Call before starting any server.
void BlockTerminationSignals();
// Waits for SIGINT or SIGTERM. RETURNS the signal number.
int WaitForTermination();

// Tells a supervising `maestro up` that this process listens on `port`, and serves /metrics, /healthz and /readyz
// on `admin_port` (0: on `port` itself). See orchestrator/stack.h.
void AnnounceReady(uint16_t port, uint16_t admin_port = 0);

// Prints "maestro <command>: <message>" on stderr. RETURNS `exit_code`.
int Fail(const std::string& command, const std::string& message, int exit_code = 1);

}  // namespace maestro::cli
