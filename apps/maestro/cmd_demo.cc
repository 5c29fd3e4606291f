// `maestro demo`: the README's main job until the benchmark lands — starts the assistant, speaks a sample
// question to it, and prints and saves the answer.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "apps/maestro/ask_client.h"
#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"
#include "common/logging.h"
#include "domain/blocking.h"
#include "engines/analyst/text.h"
#include "engines/engine_registry.h"
#include "orchestrator/engine_sets.h"
#include "orchestrator/stack.h"
#include "tls/development_ca.h"

namespace maestro::cli {
namespace {

struct DemoFlags {
  std::string protocol = "grpc";
  std::string engines = kDefaultEngineSet;
  std::string question = "What is the ticker symbol of Petrobras?";
  std::string out = "answer.wav";
  bool tls = false;
};

// A throwaway development CA for `demo --tls`, removed when it goes.
class TemporaryCertificates {
 public:
  TemporaryCertificates() = default;
  TemporaryCertificates(const TemporaryCertificates&) = delete;
  TemporaryCertificates& operator=(const TemporaryCertificates&) = delete;
  ~TemporaryCertificates() {
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }
  // Makes the CA and every process's certificate. RETURNS the folder, or why it could not.
  Result<std::string> Make() {
    char folder[] = "/tmp/maestro-demo-certs-XXXXXX";
    if (mkdtemp(folder) == nullptr) return Unavailable("cannot make a certificate folder");
    dir_ = folder;
    auto written = tls::WriteDevelopmentCa(dir_, {});
    if (!written.ok()) return written.status();
    return dir_.string();
  }

 private:
  std::filesystem::path dir_;
};

RegisterCommand demo_command(
    "demo", "Start the assistant, ask it a sample spoken question, print and save the answer, stop",
    [](CLI::App& command) -> std::function<int()> {
      auto flags = std::make_shared<DemoFlags>();
      command.add_option("--protocol", flags->protocol, "rest, grpc, thrift or inproc")
          ->envname("MAESTRO_PROTOCOL")
          ->check(CLI::IsMember(TransportNames()));
      command.add_option("--engines", flags->engines, "neural, classic or emulated")
          ->envname("MAESTRO_ENGINES")
          ->check(CLI::IsMember(EngineSetNames()));
      command.add_option("--question", flags->question, "The sample question, spoken by the TTS engine");
      command.add_option("-o,--out", flags->out, "Where to write the spoken answer");
      command.add_flag("--tls", flags->tls,
                       "Mutual TLS between the processes and HTTPS at the front door, with a throwaway development CA");
      return [flags] {
        InitLogging("demo", "warn");
        setenv("MAESTRO_LOG_LEVEL", "warn", 0);
        auto engines = ResolveEngineSet(flags->engines);
        if (!engines.ok()) return Fail("demo", engines.status().message());
        if (auto status = CheckModels(*engines, {}); !status.ok()) return Fail("demo", status.message());
        // The question is spoken by the same TTS engine the assistant answers with.
        auto tts = EngineRegistry::Global().CreateTts(engines->tts, {});
        if (!tts.ok()) return Fail("demo", tts.status().message());
        const bool portuguese = analyst::DetectLanguage(flags->question) == analyst::Language::kPortuguese;
        auto spoken = SynthesizeBlocking(**tts, {.text = flags->question, .voice = portuguese ? "pt-br" : "en-us"},
                                         Deadline::In(std::chrono::seconds(30)));
        if (!spoken.ok()) return Fail("demo", "speaking the question: " + spoken.status().ToString());

        Stack stack;
        StackOptions options;
        options.protocol = flags->protocol;
        options.stt_engine = engines->stt;
        options.llm_engine = engines->llm;
        options.tts_engine = engines->tts;
        options.port = 0;
        TemporaryCertificates certificates;
        tls::TlsOptions ask_tls;
        if (flags->tls) {
          auto dir = certificates.Make();
          if (!dir.ok()) return Fail("demo", dir.status().message());
          options.tls_certs = *dir;
          ask_tls.ca_file = *dir + "/ca.crt";
        }
        std::cout << "Starting the assistant (protocol " << flags->protocol << ", engines " << engines->Describe()
                  << (flags->tls ? ", mutual TLS between processes, HTTPS at the front door" : "") << ")..."
                  << std::endl;
        if (auto status = stack.Start(options); !status.ok()) return Fail("demo", status.message());
        std::cout << "Asking " << stack.url() << ": \"" << flags->question << "\"" << std::endl;
        auto reply = Ask(stack.url(), spoken->wav, "question.wav", "", std::chrono::seconds(30), ask_tls);
        stack.Stop();
        if (!reply.ok()) return Fail("demo", reply.status().ToString());
        std::cout << "Heard:  " << reply->transcript << "\nAnswer: " << reply->answer << "\n";
        std::ofstream out(flags->out, std::ios::binary);
        out.write(reply->wav.data(), static_cast<std::streamsize>(reply->wav.size()));
        if (!out) return Fail("demo", "cannot write " + flags->out);
        std::cout << "Spoken answer written to " << flags->out << " (" << reply->wav.size() << " bytes)\n";
        return 0;
      };
    });

}  // namespace
}  // namespace maestro::cli
