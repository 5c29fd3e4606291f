// `maestro stt|llm|tts`: runs one engine as a service over one protocol.
#include <iostream>
#include <memory>

#include "apps/maestro/admin_listener.h"
#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"
#include "common/logging.h"
#include "engines/engine_registry.h"
#include "net/http_server.h"
#include "transport/transport.h"

namespace maestro::cli {
namespace {

struct ServiceFlags {
  std::string protocol = "rest";
  std::string listen = "127.0.0.1:0";
  std::string admin;
  bool admin_plaintext = false;
  std::string engine = "emulated";
  std::vector<std::string> engine_options;
  int max_inflight = 1024;
  TransportOptions transport;
};

// Builds an engine with `create` into `engine` (which the caller keeps alive) and serves it with `serve`.
// RETURNS the server, or the first error.
template <typename Engine, typename Create, typename Serve>
Result<std::unique_ptr<ServiceServer>> CreateAndServe(std::unique_ptr<Engine>& engine, Create create, Serve serve) {
  auto created = create();
  if (!created.ok()) return created.status();
  engine = std::move(created).value();
  return serve(*engine);
}

CommandSetup ServiceCommand(ServiceKind service) {
  return [service](CLI::App& command) -> std::function<int()> {
    auto flags = std::make_shared<ServiceFlags>();
    const std::string kind = ServiceKindName(service);
    std::string upper = kind;
    for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
    command.add_option("--protocol", flags->protocol, "rest, grpc or thrift")->envname("MAESTRO_PROTOCOL");
    command.add_option("--listen", flags->listen, "HOST:PORT to serve on (port 0 picks one)")
        ->envname("MAESTRO_" + upper + "_LISTEN");
    command
        .add_option("--admin", flags->admin,
                    "HOST:PORT for /metrics, /healthz and /readyz (REST serves them on --listen too)")
        ->envname("MAESTRO_" + upper + "_ADMIN");
    command.add_flag("--admin-plaintext", flags->admin_plaintext,
                     "Serve --admin over plain HTTP even with --tls-cert (by default it speaks TLS like --listen)");
    std::string engines;
    for (const auto& line : EngineRegistry::Global().Describe(service)) engines += "\n    " + line;
    command.add_option("--engine", flags->engine, "Engine:" + engines)->envname("MAESTRO_" + upper + "_ENGINE");
    command.add_option("--engine-opt", flags->engine_options, "Engine option key=value (repeatable)");
    command.add_option("--max-inflight", flags->max_inflight, "Calls served at once; more get an overload error")
        ->envname("MAESTRO_MAX_INFLIGHT")
        ->check(CLI::Range(1, 1000000));
    AddTransportFlags(command, flags->transport);
    return [service, kind, flags] {
      InitLogging(kind);
      BlockTerminationSignals();
      flags->transport.max_inflight = flags->max_inflight;
      auto options = ParseEngineOptions(flags->engine_options);
      if (!options.ok()) return Fail(kind, options.status().message(), 2);
      auto transport = CreateTransport(flags->protocol, flags->transport);
      if (!transport.ok()) return Fail(kind, transport.status().message(), 2);
      // Bad TLS files stop the service before its engine loads a model.
      if (flags->transport.tls.enabled()) {
        auto tls = tls::LoadTlsMaterial(flags->transport.tls, tls::TlsRole::kServer);
        if (!tls.ok()) return Fail(kind, tls.status().message(), 2);
      }
      auto address = SplitHostPort(flags->listen);
      if (!address.ok()) return Fail(kind, address.status().message(), 2);

      std::unique_ptr<SpeechToText> stt;
      std::unique_ptr<LanguageModel> llm;
      std::unique_ptr<TextToSpeech> tts;
      Result<std::unique_ptr<ServiceServer>> server = InvalidArgument("unknown service kind");
      auto& registry = EngineRegistry::Global();
      // Named copies, not a structured binding: clang 14 (clang-tidy) cannot capture a binding in a lambda.
      const std::string host = address->first;
      const uint16_t port = address->second;
      Transport& wire = **transport;
      switch (service) {
        case ServiceKind::kStt:
          server = CreateAndServe(
              stt, [&] { return registry.CreateStt(flags->engine, *options); },
              [&](SpeechToText& engine) { return wire.ServeStt(engine, host, port); });
          break;
        case ServiceKind::kLlm:
          server = CreateAndServe(
              llm, [&] { return registry.CreateLlm(flags->engine, *options); },
              [&](LanguageModel& engine) { return wire.ServeLlm(engine, host, port); });
          break;
        case ServiceKind::kTts:
          server = CreateAndServe(
              tts, [&] { return registry.CreateTts(flags->engine, *options); },
              [&](TextToSpeech& engine) { return wire.ServeTts(engine, host, port); });
          break;
      }
      // A bad engine name or option is the caller's error (exit 2); a port that cannot be bound is not.
      if (!server.ok()) return Fail(kind, server.status().message(), stt || llm || tts ? 1 : 2);

      std::unique_ptr<net::HttpServer> admin;
      std::atomic<bool> ready{true};
      if (!flags->admin.empty()) {
        auto started =
            StartAdminListener(flags->admin, flags->admin_plaintext ? tls::TlsOptions{} : flags->transport.tls, ready);
        if (!started.ok()) {
          return Fail(kind, started.status().message(),
                      started.status().code() == StatusCode::kInvalidArgument ? 2 : 1);
        }
        admin = std::move(started).value();
        spdlog::info("admin endpoint on port {}", admin->port());
      }
      spdlog::info("{} engine '{}' serving {} on {}:{}", kind, flags->engine, flags->protocol, host, (*server)->port());
      AnnounceReady((*server)->port(), admin ? admin->port() : 0);
      int signal_number = WaitForTermination();
      spdlog::info("signal {} received; shutting down", signal_number);
      (*server)->Shutdown();
      if (admin) admin->Shutdown();
      return 0;
    };
  };
}

RegisterCommand stt_command("stt", "Run a speech-to-text service", ServiceCommand(ServiceKind::kStt));
RegisterCommand llm_command("llm", "Run a language-model service", ServiceCommand(ServiceKind::kLlm));
RegisterCommand tts_command("tts", "Run a text-to-speech service", ServiceCommand(ServiceKind::kTts));

}  // namespace
}  // namespace maestro::cli
