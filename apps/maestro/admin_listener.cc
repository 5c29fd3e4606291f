#include "apps/maestro/admin_listener.h"

#include "net/admin_routes.h"
#include "transport/transport.h"

namespace maestro::cli {

Result<std::unique_ptr<net::HttpServer>> StartAdminListener(const std::string& address, const tls::TlsOptions& tls,
                                                            const std::atomic<bool>& ready) {
  auto host_port = SplitHostPort(address);
  if (!host_port.ok()) return host_port.status();
  return net::HttpServer::Start(
      {.host = host_port->first, .port = host_port->second, .threads = 1, .tls = tls},
      [&ready](net::HttpRequest&& request, const net::Respond& respond) {
        if (!net::HandleAdminRoute(request, respond, ready)) {
          respond(net::ErrorResponse(Status(StatusCode::kNotFound, "admin routes: /metrics /healthz /readyz")));
        }
      });
}

}  // namespace maestro::cli
