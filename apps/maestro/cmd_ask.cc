// `maestro ask`: asks a running Maestro a spoken (or, with --text, written) question.
#include <fstream>
#include <iostream>
#include <iterator>

#include "apps/maestro/ask_client.h"
#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"

namespace maestro::cli {
namespace {

struct AskFlags {
  std::string file;
  std::string out;
  std::string url = "http://127.0.0.1:7000";
  std::string text;
  bool json = false;
  std::chrono::milliseconds timeout{30000};
  tls::TlsOptions tls;
};

RegisterCommand ask_command(
    "ask", "Ask a running Maestro a question: prints the transcript and answer, writes the spoken answer",
    [](CLI::App& command) -> std::function<int()> {
      auto flags = std::make_shared<AskFlags>();
      command.add_option("file", flags->file, "The question as WAV, FLAC, OGG or MP3");
      command.add_option("-o,--out", flags->out, "Write the spoken answer (WAV) here");
      command.add_option("--url", flags->url, "Maestro's base URL")->envname("MAESTRO_URL");
      command.add_option("--text", flags->text, "Ask in writing instead; skips speech recognition");
      command.add_flag("--json", flags->json, "Print Maestro's JSON reply");
      AddDurationOption(command, "--timeout", flags->timeout, "Give up after this long");
      AddTlsFlags(command, flags->tls);
      return [flags] {
        std::string audio;
        if (flags->text.empty()) {
          if (flags->file.empty()) return Fail("ask", "give an audio FILE or --text \"question\"", 2);
          std::ifstream in(flags->file, std::ios::binary);
          if (!in) return Fail("ask", "cannot read " + flags->file, 2);
          audio.assign(std::istreambuf_iterator<char>(in), {});
        }
        auto reply = Ask(flags->url, audio, flags->file, flags->text, flags->timeout, flags->tls);
        if (!reply.ok()) return Fail("ask", reply.status().ToString());
        if (flags->json) {
          std::cout << reply->raw_json << "\n";
        } else {
          std::cout << "Transcript: " << reply->transcript << "\nAnswer: " << reply->answer << "\n";
        }
        if (!flags->out.empty()) {
          std::ofstream out(flags->out, std::ios::binary);
          out.write(reply->wav.data(), static_cast<std::streamsize>(reply->wav.size()));
          if (!out) return Fail("ask", "cannot write " + flags->out);
          if (!flags->json) std::cout << "Spoken answer: " << flags->out << " (" << reply->wav.size() << " bytes)\n";
        }
        return 0;
      };
    });

}  // namespace
}  // namespace maestro::cli
