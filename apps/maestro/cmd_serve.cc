// `maestro serve`: runs the orchestrator, calling the three services over one protocol.
#include <memory>

#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"
#include "common/logging.h"
#include "orchestrator/assist_server.h"
#include "pipeline/pipeline.h"
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
  int max_inflight = 16;
  int max_queued = 4096;
  int timeout_ms = 6000;
  size_t max_upload_bytes = 25u << 20;
  std::string voice;
  std::string cache = "off";
  size_t cache_mb = 64;
  TransportOptions transport;
};

RegisterCommand serve_command(
    "serve", "Run the Maestro orchestrator (POST /assist) in front of the STT, LLM and TTS services",
    [](CLI::App& command) -> std::function<int()> {
      auto flags = std::make_shared<ServeFlags>();
      command.add_option("--protocol", flags->protocol, "rest, grpc, thrift or inproc")->envname("MAESTRO_PROTOCOL");
      command.add_option("--stt", flags->stt, "STT service HOST:PORT, a comma-separated list, or NAME:PORT (every address; balanced); inproc: an engine name")->envname("MAESTRO_STT");
      command.add_option("--llm", flags->llm, "LLM service HOST:PORT, a comma-separated list, or NAME:PORT (every address; balanced); inproc: an engine name")->envname("MAESTRO_LLM");
      command.add_option("--tts", flags->tts, "TTS service HOST:PORT, a comma-separated list, or NAME:PORT (every address; balanced); inproc: an engine name")->envname("MAESTRO_TTS");
      for (const char* kind : {"stt", "llm", "tts"}) {
        command.add_option(std::string("--") + kind + "-opt", flags->engine_options[kind],
                           std::string("inproc only: ") + kind + " engine option key=value (repeatable)");
      }
      command.add_option("--listen", flags->listen, "HOST:PORT for POST /assist")->envname("MAESTRO_LISTEN");
      command
          .add_option("--max-inflight", flags->max_inflight,
                      "/assist requests processed at once; more wait in the queue")
          ->envname("MAESTRO_MAX_INFLIGHT")
          ->check(CLI::Range(1, 1000000));
      command.add_option("--max-queue", flags->max_queued, "/assist requests waiting for a slot; more get 503")
          ->envname("MAESTRO_MAX_QUEUE")
          ->check(CLI::Range(0, 1000000));
      command.add_option("--timeout-ms", flags->timeout_ms, "Each request's deadline, propagated to every hop")
          ->envname("MAESTRO_TIMEOUT_MS")
          ->check(CLI::Range(1, 600000));
      command.add_option("--max-upload-bytes", flags->max_upload_bytes, "Largest audio upload")
          ->envname("MAESTRO_MAX_UPLOAD_BYTES")
          ->check(CLI::Range(size_t{1}, size_t{1} << 30));
      command.add_option("--voice", flags->voice, "TTS voice (default: by the answer's language)")
          ->envname("MAESTRO_VOICE");
      command.add_option("--cache", flags->cache, "Answer cache by exact question audio (off by default)")
          ->envname("MAESTRO_CACHE")
          ->check(CLI::IsMember({"on", "off"}));
      command.add_option("--cache-mb", flags->cache_mb, "Answer cache size")->check(CLI::Range(1, 65536));
      AddTransportFlags(command, flags->transport);
      return [flags] {
        InitLogging("maestro");
        BlockTerminationSignals();
        for (const auto& [kind, items] : flags->engine_options) {
          auto parsed = ParseEngineOptions(items);
          if (!parsed.ok()) return Fail("serve", parsed.status().message(), 2);
          flags->transport.inproc_engine_options[kind] = *parsed;
        }
        auto transport = CreateTransport(flags->protocol, flags->transport);
        if (!transport.ok()) return Fail("serve", transport.status().message(), 2);
        auto stt = (*transport)->ConnectStt(flags->stt);
        if (!stt.ok()) return Fail("serve", "stt: " + stt.status().message(), 2);
        auto llm = (*transport)->ConnectLlm(flags->llm);
        if (!llm.ok()) return Fail("serve", "llm: " + llm.status().message(), 2);
        auto tts = (*transport)->ConnectTts(flags->tts);
        if (!tts.ok()) return Fail("serve", "tts: " + tts.status().message(), 2);

        Pipeline pipeline(
            **stt, **llm, **tts,
            {.generation = {}, .voice = flags->voice, .cache_bytes = flags->cache == "on" ? flags->cache_mb << 20 : 0});
        auto address = SplitHostPort(flags->listen);
        if (!address.ok()) return Fail("serve", address.status().message(), 2);
        AssistServerOptions options;
        options.host = address->first;
        options.port = address->second;
        options.threads = flags->transport.server_threads;
        options.max_inflight = flags->max_inflight;
        options.max_queued = flags->max_queued;
        options.max_upload_bytes = flags->max_upload_bytes;
        options.timeout = std::chrono::milliseconds(flags->timeout_ms);
        auto server = AssistServer::Start(pipeline, options);
        if (!server.ok()) return Fail("serve", server.status().message());
        spdlog::info("maestro serving POST /assist on {}:{} over {}", options.host, (*server)->port(), flags->protocol);
        AnnounceReady((*server)->port());
        WaitForTermination();
        spdlog::info("shutting down");
        (*server)->Shutdown();
        return 0;
      };
    });

}  // namespace
}  // namespace maestro::cli
