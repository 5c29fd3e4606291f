// `maestro certs init DIR`: a development CA and one certificate per service (tls/development_ca.h), for TLS and
// mutual TLS between Maestro's processes where there is no real PKI.
#include <iostream>

#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"
#include "tls/development_ca.h"

namespace maestro::cli {
namespace {

struct CertsFlags {
  std::string dir;
  tls::DevelopmentCaOptions options;
};

RegisterCommand certs_command(
    "certs", "Make development certificates for TLS between Maestro's processes",
    [](CLI::App& command) -> std::function<int()> {
      auto flags = std::make_shared<CertsFlags>();
      command.require_subcommand(1);
      auto* init = command.add_subcommand(
          "init", "Make DIR/ca.crt and a certificate and key per service (never overwrites; keys are mode 0600)");
      init->add_option("DIR", flags->dir, "Where the files go (created if absent)")->required();
      init->add_option("--service", flags->options.services, "Services to certify")
          ->delimiter(',')
          ->capture_default_str();
      init->add_option("--name", flags->options.extra_names,
                       "Extra DNS names or IP addresses every certificate is valid for (repeatable)")
          ->delimiter(',');
      init->add_option("--days", flags->options.valid_days, "Validity in days")
          ->check(CLI::Range(1, 3650))
          ->capture_default_str();
      return [flags] {
        auto written = tls::WriteDevelopmentCa(flags->dir, flags->options);
        if (!written.ok()) return Fail("certs", written.status().message());
        for (const auto& path : *written) std::cout << path.string() << "\n";
        std::cerr << "Development CA made: trust " << flags->dir << "/ca.crt; keep " << flags->dir
                  << "/ca.key private (it can sign anything for these services)." << std::endl;
        return 0;
      };
    });

}  // namespace
}  // namespace maestro::cli
