// The admin listener (`--admin HOST:PORT`): /metrics, /healthz and /readyz on a port of their own, for operators,
// probes and scrapers, shared by `maestro serve` and the services.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "net/http_server.h"
#include "tls/tls_options.h"

namespace maestro::cli {

// Starts the admin routes on `address`. With `tls` set they speak HTTPS like the process's main listener (and
// require a client certificate when `tls` has a CA); `/readyz` answers 200 once `ready` is true.
// REQUIRES: `ready` outlives the returned server. RETURNS the server, or kInvalidArgument for a malformed address,
// kUnavailable when the port cannot be bound.
Result<std::unique_ptr<net::HttpServer>> StartAdminListener(const std::string& address, const tls::TlsOptions& tls,
                                                            const std::atomic<bool>& ready);

}  // namespace maestro::cli
