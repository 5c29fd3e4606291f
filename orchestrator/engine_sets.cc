#include "orchestrator/engine_sets.h"

#include "engines/common/model_locator.h"
#include "engines/llama/llama_engine.h"
#include "engines/whisper/whisper_engine.h"

namespace maestro {
namespace {

// The value of `key=` among `options`, else `fallback`.
std::string OptionValue(const std::vector<std::string>& options, const std::string& key, const std::string& fallback) {
  for (const auto& option : options) {
    if (option.rfind(key + "=", 0) == 0) return option.substr(key.size() + 1);
  }
  return fallback;
}

}  // namespace

std::vector<std::string> EngineSetNames() {
  return {"neural", "classic", "emulated"};
}

Result<EngineSet> ResolveEngineSet(const std::string& name) {
  if (name == "neural") return EngineSet{"whisper", "llama", "rhvoice"};
  if (name == "classic") return EngineSet{"pocketsphinx", "analyst", "espeak"};
  if (name == "emulated") return EngineSet{"emulated", "emulated", "emulated"};
  return InvalidArgument("unknown engine set '" + name + "' (neural, classic or emulated)");
}

Status CheckModels(const EngineSet& set, const std::map<std::string, std::vector<std::string>>& engine_options) {
  auto options_of = [&](const std::string& kind) {
    auto it = engine_options.find(kind);
    return it == engine_options.end() ? std::vector<std::string>() : it->second;
  };
  if (set.stt == "whisper") {
    auto found = LocateModel("whisper", OptionValue(options_of("stt"), "model", whisper::kDefaultModel));
    if (!found.ok()) return found.status();
  }
  if (set.llm == "llama") {
    auto found = LocateModel("llama", OptionValue(options_of("llm"), "model", llama::kDefaultModel));
    if (!found.ok()) return found.status();
  }
  return Status();
}

std::vector<std::string> TransportFlagsAsArgs(const TransportOptions& options) {
  std::vector<std::string> args = {"--connections",
                                   std::to_string(options.client_connections),
                                   "--max-message-bytes",
                                   std::to_string(options.max_message_bytes),
                                   "--threads",
                                   std::to_string(options.server_threads),
                                   "--thrift-transport",
                                   options.thrift_transport,
                                   "--thrift-protocol",
                                   options.thrift_protocol,
                                   "--stream-buffer-bytes",
                                   std::to_string(options.stream_buffer_bytes),
                                   "--thrift-max-streams",
                                   std::to_string(options.thrift_max_streams),
                                   "--thrift-stream-idle",
                                   std::to_string(options.thrift_stream_idle.count()) + "ms",
                                   "--tls-reload",
                                   std::to_string(options.tls.reload_interval.count()) + "ms"};
  for (const auto& [flag, file] :
       {std::pair{"--tls-cert", &options.tls.cert_file}, std::pair{"--tls-key", &options.tls.key_file},
        std::pair{"--tls-ca", &options.tls.ca_file}}) {
    if (!file->empty()) args.insert(args.end(), {flag, *file});
  }
  return args;
}

}  // namespace maestro
