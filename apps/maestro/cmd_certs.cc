// `maestro certs init DIR`: a development CA and one certificate per service (tls/development_ca.h), for TLS and
// mutual TLS between Maestro's processes where there is no real PKI. `maestro certs renew DIR SERVICE` replaces
// one service's certificate and key in place, which running processes take up within their --tls-reload.
#include <stdlib.h>

#include <filesystem>
#include <iostream>

#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"
#include "tls/development_ca.h"

namespace maestro::cli {
namespace {

struct CertsFlags {
  std::string dir;
  std::string service;
  tls::DevelopmentCaOptions options;
};

// Issues SERVICE a new certificate from DIR's CA in a private folder inside DIR, then renames the key and the
// certificate over the old ones (the key first: a reader between the two renames sees a pair that does not
// match, which it refuses, rather than a certificate without its key).
int Renew(const CertsFlags& flags) {
  namespace fs = std::filesystem;
  std::string staging = (fs::path(flags.dir) / ".renew-XXXXXX").string();
  if (mkdtemp(staging.data()) == nullptr) return Fail("certs", "cannot make a folder in " + flags.dir);
  auto issued = tls::IssueFromDevelopmentCa(flags.dir, flags.service, flags.options.extra_names, staging,
                                            flags.options.valid_days);
  std::error_code error;
  if (issued.ok()) {
    for (const char* extension : {".key", ".crt"}) {
      const std::string file = flags.service + extension;
      if (!error) fs::rename(fs::path(staging) / file, fs::path(flags.dir) / file, error);
    }
  }
  fs::remove_all(staging);
  if (!issued.ok()) return Fail("certs", issued.status().message());
  if (error)
    return Fail("certs", "cannot replace " + flags.service + "'s files in " + flags.dir + ": " + error.message());
  std::cout << (fs::path(flags.dir) / (flags.service + ".crt")).string() << "\n"
            << (fs::path(flags.dir) / (flags.service + ".key")).string() << "\n";
  return 0;
}

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
      auto* renew = command.add_subcommand(
          "renew", "Replace SERVICE's certificate and key in DIR with new ones from DIR's CA, in place");
      renew->add_option("DIR", flags->dir, "A folder made by `certs init`")->required();
      renew->add_option("SERVICE", flags->service, "maestro, stt, llm, tts or another name")->required();
      renew
          ->add_option("--name", flags->options.extra_names,
                       "Extra DNS names or IP addresses the certificate is valid for (repeatable)")
          ->delimiter(',');
      renew->add_option("--days", flags->options.valid_days, "Validity in days")
          ->check(CLI::Range(1, 3650))
          ->capture_default_str();
      return [flags, renew] {
        if (renew->parsed()) return Renew(*flags);
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
