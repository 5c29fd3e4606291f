// `maestro serve`: runs the orchestrator, calling the three services over one protocol.
#include <atomic>
#include <memory>

#include "apps/maestro/admin_listener.h"
#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"
#include "apps/maestro/front_door_flags.h"
#include "common/logging.h"
#include "domain/service_kind.h"
#include "engines/engine_registry.h"
#include "net/http_server.h"
#include "orchestrator/assist_server.h"
#include "pipeline/pipeline.h"
#include "pipeline/streaming_pipeline.h"
#include "transport/transport.h"

namespace maestro::cli {
namespace {

struct ServeFlags {
  std::string protocol = "rest";
  std::string stt = "emulated";
  std::string llm = "emulated";
  std::string tts = "emulated";
  std::map<std::string, std::vector<std::string>> engine_options;
  std::string listen = "127.0.0.1:7000";
  FrontDoorFlags front_door;
  size_t max_upload_bytes = 25u << 20;
  std::string voice;
  size_t cache_mb = 64;
  double rate_burst = 0;
  std::string admin;
  bool admin_plaintext = false;
  std::chrono::milliseconds header_timeout{30000};
  std::chrono::milliseconds body_timeout{10000};
  size_t min_body_rate = size_t{16} * 1024;
  size_t max_connections = 20000;
  std::string tls_client_ca;
  TransportOptions transport;
  StreamRoutesOptions streaming;
};

RegisterCommand serve_command(
    "serve", "Run the Maestro orchestrator (POST /assist) in front of the STT, LLM and TTS services",
    [](CLI::App& command) -> std::function<int()> {
      auto flags = std::make_shared<ServeFlags>();
      command.add_option("--protocol", flags->protocol, "rest, grpc, thrift or inproc")->envname("MAESTRO_PROTOCOL");
      command
          .add_option("--stt", flags->stt,
                      "STT service HOST:PORT, a comma-separated list, or NAME:PORT (every address; balanced); inproc: "
                      "an engine name")
          ->envname("MAESTRO_STT");
      command
          .add_option("--llm", flags->llm,
                      "LLM service HOST:PORT, a comma-separated list, or NAME:PORT (every address; balanced); inproc: "
                      "an engine name")
          ->envname("MAESTRO_LLM");
      command
          .add_option("--tts", flags->tts,
                      "TTS service HOST:PORT, a comma-separated list, or NAME:PORT (every address; balanced); inproc: "
                      "an engine name")
          ->envname("MAESTRO_TTS");
      for (ServiceKind service : kServiceKinds) {
        const std::string kind = ServiceKindName(service);
        command.add_option("--" + kind + "-opt", flags->engine_options[kind],
                           std::string("inproc only: ") + kind + " engine option key=value (repeatable)");
      }
      command.add_option("--listen", flags->listen, "HOST:PORT for POST /assist")->envname("MAESTRO_LISTEN");
      AddFrontDoorFlags(command, flags->front_door);
      command.add_option("--max-upload-bytes", flags->max_upload_bytes, "Largest audio upload")
          ->envname("MAESTRO_MAX_UPLOAD_BYTES")
          ->check(CLI::Range(size_t{1}, size_t{1} << 30));
      command.add_option("--voice", flags->voice, "TTS voice (default: by the answer's language)")
          ->envname("MAESTRO_VOICE");
      command.add_option("--cache-mb", flags->cache_mb, "Answer cache size")
          ->envname("MAESTRO_CACHE_MB")
          ->check(CLI::Range(1, 65536));
      command.add_option("--max-sessions", flags->streaming.max_sessions, "WebSocket voice sessions at once")
          ->envname("MAESTRO_MAX_SESSIONS")
          ->check(CLI::Range(size_t{1}, size_t{100000}));
      command.add_option("--max-frame-bytes", flags->streaming.max_frame_bytes, "Largest WebSocket message")
          ->envname("MAESTRO_MAX_FRAME_BYTES")
          ->check(CLI::Range(size_t{320}, size_t{16} << 20));
      AddDurationOption(command, "--idle-timeout", flags->streaming.idle_timeout,
                        "A voice session silent this long is closed")
          ->envname("MAESTRO_IDLE_TIMEOUT");
      AddDurationOption(command, "--max-session", flags->streaming.max_session, "No voice session lasts longer")
          ->envname("MAESTRO_MAX_SESSION");
      AddDurationOption(command, "--end-silence", flags->streaming.utterance.end_silence,
                        "Silence that ends a spoken question (VAD; 100ms to 5s)")
          ->envname("MAESTRO_END_SILENCE");
      AddDurationOption(command, "--partial-every", flags->streaming.partial_every,
                        "Speech between partial transcripts of a question being spoken (0s: none)", true)
          ->envname("MAESTRO_PARTIAL_EVERY");
      command.add_option("--rate-burst", flags->rate_burst, "Requests a key may send at once (0: the rate)")
          ->envname("MAESTRO_RATE_BURST")
          ->check(CLI::Range(0.0, 1e6));
      AddDurationOption(command, "--header-timeout", flags->header_timeout,
                        "A request's header must arrive within this")
          ->envname("MAESTRO_HEADER_TIMEOUT");
      AddDurationOption(command, "--body-timeout", flags->body_timeout,
                        "A body must bring bytes at least this often; after it, average --min-body-rate")
          ->envname("MAESTRO_BODY_TIMEOUT");
      command.add_option("--min-body-rate", flags->min_body_rate, "Slowest upload accepted, bytes/s (0: no minimum)")
          ->envname("MAESTRO_MIN_BODY_RATE");
      command.add_option("--max-connections", flags->max_connections, "Connections held at once; more are closed")
          ->envname("MAESTRO_MAX_CONNECTIONS")
          ->check(CLI::Range(size_t{1}, size_t{1000000}));
      command
          .add_option("--admin", flags->admin,
                      "HOST:PORT for /metrics and the health routes; they then leave the public port")
          ->envname("MAESTRO_ADMIN");
      command.add_flag(
          "--admin-plaintext", flags->admin_plaintext,
          "Serve --admin over plain HTTP even with --tls-cert (by default it speaks TLS like the front door)");
      AddTransportFlags(command, flags->transport);
      command
          .add_option("--tls-client-ca", flags->tls_client_ca,
                      "CA (PEM) whose client certificates the front door requires (mTLS for users; off by default)")
          ->envname("MAESTRO_TLS_CLIENT_CA");
      return [flags] {
        InitLogging("maestro");
        BlockTerminationSignals();
        for (const auto& [kind, items] : flags->engine_options) {
          auto parsed = ParseEngineOptions(items);
          if (!parsed.ok()) return Fail("serve", parsed.status().message(), 2);
          flags->transport.inproc_engine_options[kind] = *parsed;
        }
        const auto end_silence = flags->streaming.utterance.end_silence;
        if (end_silence < std::chrono::milliseconds(100) || end_silence > std::chrono::seconds(5)) {
          return Fail("serve", "--end-silence must be between 100ms and 5s", 2);
        }
        auto transport = CreateTransport(flags->protocol, flags->transport);
        if (!transport.ok()) return Fail("serve", transport.status().message(), 2);
        auto stt = (*transport)->ConnectStt(flags->stt);
        if (!stt.ok()) return Fail("serve", "stt: " + stt.status().message(), 2);
        auto llm = (*transport)->ConnectLlm(flags->llm);
        if (!llm.ok()) return Fail("serve", "llm: " + llm.status().message(), 2);
        auto tts = (*transport)->ConnectTts(flags->tts);
        if (!tts.ok()) return Fail("serve", "tts: " + tts.status().message(), 2);

        Pipeline pipeline(**stt, **llm, **tts,
                          {.generation = {},
                           .voice = flags->voice,
                           .cache_bytes = flags->front_door.cache == "on" ? flags->cache_mb << 20 : 0});
        StreamingPipeline streaming(**stt, **llm, **tts,
                                    {.generation = {}, .voice = flags->voice, .protocol = flags->protocol});
        auto address = SplitHostPort(flags->listen);
        if (!address.ok()) return Fail("serve", address.status().message(), 2);
        AssistServerOptions options;
        options.host = address->first;
        options.port = address->second;
        options.threads = flags->transport.server_threads;
        options.max_inflight = flags->front_door.max_inflight;
        options.max_queued = flags->front_door.max_queued;
        options.max_upload_bytes = flags->max_upload_bytes;
        options.timeout = flags->front_door.timeout;
        options.streaming = flags->streaming;
        options.streaming.protocol = flags->protocol;
        if (!flags->front_door.api_keys.empty()) {
          auto keys = ApiKeys::Load(flags->front_door.api_keys);
          if (!keys.ok()) return Fail("serve", keys.status().message(), 2);
          options.api_keys = std::move(keys).value();
        }
        options.rate_limit = flags->front_door.rate_limit;
        options.rate_burst = flags->rate_burst;
        options.log_content = flags->front_door.log_content;
        options.header_timeout = flags->header_timeout;
        options.body_timeout = flags->body_timeout;
        options.min_body_rate = flags->min_body_rate;
        options.max_connections = flags->max_connections;
        // The front door serves HTTPS with this process's certificate; --tls-ca is for the services' links, so
        // users need no client certificate unless --tls-client-ca asks for one.
        if (!flags->transport.tls.cert_file.empty() || !flags->tls_client_ca.empty()) {
          options.tls = {.cert_file = flags->transport.tls.cert_file,
                         .key_file = flags->transport.tls.key_file,
                         .ca_file = flags->tls_client_ca,
                         .reload_interval = flags->transport.tls.reload_interval};
          auto tls = tls::LoadTlsMaterial(options.tls, tls::TlsRole::kServer);
          if (!tls.ok()) return Fail("serve", tls.status().message(), 2);
        }
        std::unique_ptr<net::HttpServer> admin;
        std::atomic<bool> ready{false};
        if (!flags->admin.empty()) {
          auto started =
              StartAdminListener(flags->admin, flags->admin_plaintext ? tls::TlsOptions{} : options.tls, ready);
          if (!started.ok()) {
            return Fail("serve", started.status().message(),
                        started.status().code() == StatusCode::kInvalidArgument ? 2 : 1);
          }
          admin = std::move(started).value();
          options.admin_routes = false;
        }
        auto server = AssistServer::Start(pipeline, options, &streaming);
        if (!server.ok()) return Fail("serve", server.status().message());
        spdlog::info("maestro serving POST /assist on {}:{} over {}", options.host, (*server)->port(), flags->protocol);
        ready = true;
        AnnounceReady((*server)->port(), admin ? admin->port() : 0);
        WaitForTermination();
        spdlog::info("shutting down");
        (*server)->Shutdown();
        if (admin) admin->Shutdown();
        return 0;
      };
    });

}  // namespace
}  // namespace maestro::cli
