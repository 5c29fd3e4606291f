// `maestro up`: starts the whole assistant on loopback (or on netns hosts) and keeps it running until Ctrl-C.
#include <signal.h>

#include <iostream>

#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"
#include "apps/maestro/front_door_flags.h"
#include "apps/maestro/topology_flags.h"
#include "common/logging.h"
#include "common/parse_number.h"
#include "domain/service_kind.h"
#include "orchestrator/engine_sets.h"
#include "orchestrator/stack.h"

namespace maestro::cli {
namespace {

struct UpFlags {
  std::string protocol = "rest";
  std::string engines = kDefaultEngineSet;
  std::string host = "127.0.0.1";
  uint16_t port = 7000;
  std::map<std::string, std::vector<std::string>> engine_options;
  FrontDoorFlags front_door;
  std::string restart = "on-failure";
  std::chrono::milliseconds restart_backoff{200};
  bool tls = false;
  std::string certs;
  TransportOptions transport;
  TopologyFlags topology;
  std::vector<std::string> replicas;
};

// Parses {"stt=3", "llm=1"}. RETURNS kInvalidArgument for another form, kind or count.
Result<std::map<std::string, int>> ParseReplicas(const std::vector<std::string>& items) {
  std::map<std::string, int> replicas;
  for (const auto& item : items) {
    const auto equals = item.find('=');
    const auto kind = ParseServiceKind(std::string_view(item).substr(0, equals));
    const auto count =
        equals == std::string::npos ? std::nullopt : ParseNumber<int>(std::string_view(item).substr(equals + 1));
    if (!kind || !count || *count < 1 || *count > 64) {
      return InvalidArgument("--replicas takes stt=N,llm=N,tts=N with N in 1..64, not '" + item + "'");
    }
    replicas[ServiceKindName(*kind)] = *count;
  }
  return replicas;
}

// --tls needs --certs DIR with the CA and every process's certificate and key, checked before anything starts.
// RETURNS kInvalidArgument naming what is missing or bad.
Status CheckTlsFlags(const UpFlags& flags) {
  if (!flags.tls) {
    return flags.certs.empty() ? Status::Ok() : InvalidArgument("--certs is for --tls");
  }
  if (flags.certs.empty()) return InvalidArgument("--tls needs --certs DIR (make one with: maestro certs init DIR)");
  if (flags.transport.tls.enabled()) return InvalidArgument("--tls --certs sets every --tls-* flag itself");
  for (const std::string name : {"maestro", "stt", "llm", "tts"}) {
    const std::string base = flags.certs + "/" + name;
    auto checked = tls::LoadTlsMaterial(
        {.cert_file = base + ".crt", .key_file = base + ".key", .ca_file = flags.certs + "/ca.crt"},
        tls::TlsRole::kServer);
    if (!checked.ok())
      return Status(checked.status().code(), checked.status().message() + " (make DIR with: maestro certs init DIR)");
  }
  return Status::Ok();
}

RegisterCommand up_command(
    "up", "Start STT, LLM, TTS and Maestro as processes (on loopback or netns hosts); Ctrl-C stops them all",
    [](CLI::App& command) -> std::function<int()> {
      auto flags = std::make_shared<UpFlags>();
      command.add_option("--protocol", flags->protocol, "rest, grpc, thrift or inproc")
          ->envname("MAESTRO_PROTOCOL")
          ->check(CLI::IsMember(TransportNames()));
      command
          .add_option("--engines", flags->engines,
                      "neural (Whisper, llama.cpp, RHVoice), classic (PocketSphinx, analyst, eSpeak NG) or emulated "
                      "(protocol-cost stand-ins)")
          ->envname("MAESTRO_ENGINES")
          ->check(CLI::IsMember(EngineSetNames()));
      command.add_option("--port", flags->port, "Maestro's port (0 picks one)")->envname("MAESTRO_PORT");
      for (ServiceKind service : kServiceKinds) {
        const std::string kind = ServiceKindName(service);
        command.add_option("--" + kind + "-opt", flags->engine_options[kind],
                           kind + " engine option key=value (repeatable)");
      }
      AddFrontDoorFlags(command, flags->front_door);
      command
          .add_option("--restart", flags->restart,
                      "on-failure: a child that dies is started again on its port, with exponential backoff; "
                      "never: one death stops the stack (experiments)")
          ->envname("MAESTRO_RESTART")
          ->check(CLI::IsMember({"on-failure", "never"}));
      AddDurationOption(command, "--restart-backoff", flags->restart_backoff,
                        "The first restart's delay; it doubles per restart up to 5 s")
          ->envname("MAESTRO_RESTART_BACKOFF");
      AddTransportFlags(command, flags->transport);
      command
          .add_flag("--tls", flags->tls,
                    "TLS everywhere: mutual TLS between the processes, HTTPS at the front door (needs --certs)")
          ->envname("MAESTRO_TLS");
      command.add_option("--certs", flags->certs, "Certificates from `maestro certs init DIR`, for --tls")
          ->envname("MAESTRO_CERTS");
      AddTopologyFlags(command, flags->topology);
      command.add_option("--replicas", flags->replicas, "Processes per service, e.g. stt=3,llm=1,tts=1 (balanced)")
          ->envname("MAESTRO_REPLICAS")
          ->delimiter(',');
      return [flags] {
        InitLogging("up");
        BlockTerminationSignals();
        auto link = LinkShapeFrom(flags->topology);
        if (!link.ok()) return Fail("up", link.status().message(), 2);
        auto replicas = ParseReplicas(flags->replicas);
        if (!replicas.ok()) return Fail("up", replicas.status().message(), 2);
        if (auto status = CheckTlsFlags(*flags); !status.ok()) return Fail("up", status.message(), 2);
        StackOptions options;
        options.protocol = flags->protocol;
        auto engines = ResolveEngineSet(flags->engines);
        if (!engines.ok()) return Fail("up", engines.status().message());
        if (auto status = CheckModels(*engines, flags->engine_options); !status.ok()) {
          return Fail("up", status.message());
        }
        options.stt_engine = engines->stt;
        options.llm_engine = engines->llm;
        options.tts_engine = engines->tts;
        options.engine_options = flags->engine_options;
        options.transport_flags = TransportFlagsAsArgs(flags->transport);
        options.maestro_flags = FrontDoorFlagsAsArgs(flags->front_door);
        options.host = flags->host;
        options.port = flags->port;
        options.restart = flags->restart == "on-failure";
        options.restart_backoff = flags->restart_backoff;
        options.drain_timeout = flags->front_door.timeout + std::chrono::milliseconds(2000);
        options.topology = flags->topology.topology;
        options.link = *link;
        options.replicas = *replicas;
        if (flags->tls) options.tls_certs = flags->certs;
        Stack stack;
        if (auto status = stack.Start(options); !status.ok()) return Fail("up", status.message());
        std::cout << "Maestro is up at " << stack.url() << " (protocol " << flags->protocol << ", engines "
                  << engines->Describe() << ")\n";
        if (const auto* hosts = stack.hosts()) {
          std::cout << "Hosts: one network namespace each, links " << hosts->link().Describe() << "; this machine is "
                    << hosts->client_address() << " on their bridge\n";
        }
        for (const auto& process : stack.processes()) {
          std::cout << "  " << process.name << ": pid " << process.pid << ", port " << process.port;
          if (stack.hosts()) std::cout << " on " << process.host;
          if (process.admin_port != process.port) std::cout << ", metrics on port " << process.admin_port;
          std::cout << "\n";
        }
        std::cout << "Talk to it: open " << stack.url()
                  << "/ in a browser (microphone, live transcript, spoken answer)\n"
                  << "Try: curl -F file=@question.wav " << stack.url() << "/assist -o answer.wav\n"
                  << "Ctrl-C stops everything." << std::endl;
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        timespec tick{0, 50 * 1000 * 1000};
        for (;;) {
          int received = sigtimedwait(&set, nullptr, &tick);
          if (received == SIGINT || received == SIGTERM) {
            std::cout << "Stopping..." << std::endl;
            stack.Stop();
            return 0;
          }
          if (auto status = stack.Supervise(); !status.ok()) {
            std::cerr << "maestro up: " << status.message() << "; stopping the others" << std::endl;
            stack.Stop();
            return 1;
          }
        }
      };
    });

}  // namespace
}  // namespace maestro::cli
