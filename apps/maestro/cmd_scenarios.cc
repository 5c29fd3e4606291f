// `maestro scenarios`: list the benchmark's scenario questions, and render them to WAV with a TTS engine.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"
#include "bench/scenarios/scenarios.h"
#include "domain/blocking.h"
#include "engines/engine_registry.h"

namespace maestro::cli {
namespace {

struct ScenarioArgs {
  std::string file;
  std::string out = "scenarios";
  std::string engine = "espeak";
  std::string voice;
  std::string language;
  std::vector<std::string> options;
  std::chrono::milliseconds timeout{30000};
};

Result<bench::ScenarioSet> Load(const ScenarioArgs& args) {
  return bench::LoadScenarios(args.file.empty() ? bench::DefaultScenariosPath() : args.file);
}

int List(const ScenarioArgs& args) {
  auto set = Load(args);
  if (!set.ok()) {
    std::cerr << "maestro scenarios: " << set.status().ToString() << "\n";
    return 1;
  }
  for (const auto& scenario : set->scenarios) {
    std::cout << scenario.id << " (context: " << scenario.context << ")\n";
    for (const auto& [language, question] : scenario.questions)
      std::cout << "  " << language << ": " << question << "\n";
  }
  return 0;
}

int Render(const ScenarioArgs& args) {
  auto set = Load(args);
  if (!set.ok()) {
    std::cerr << "maestro scenarios: " << set.status().ToString() << "\n";
    return 1;
  }
  auto options = ParseEngineOptions(args.options);
  if (!options.ok()) {
    std::cerr << "maestro scenarios: " << options.status().ToString() << "\n";
    return 2;
  }
  auto tts = EngineRegistry::Global().CreateTts(args.engine, *options);
  if (!tts.ok()) {
    std::cerr << "maestro scenarios: " << tts.status().ToString() << "\n";
    return 1;
  }
  std::error_code error;
  std::filesystem::create_directories(args.out, error);
  if (error) {
    std::cerr << "maestro scenarios: cannot create " << args.out << ": " << error.message() << "\n";
    return 1;
  }
  int written = 0;
  for (const auto& scenario : set->scenarios) {
    for (const auto& [language, question] : scenario.questions) {
      if (!args.language.empty() && language != args.language) continue;
      std::string voice = args.voice;
      if (voice.empty() && set->voices.count(language)) voice = set->voices.at(language);
      auto speech = SynthesizeBlocking(**tts, {question, voice}, Deadline::In(args.timeout));
      if (!speech.ok()) {
        std::cerr << "maestro scenarios: " << scenario.id << " " << language << ": " << speech.status().ToString()
                  << "\n";
        return 1;
      }
      auto path = std::filesystem::path(args.out) / (scenario.id + "." + language + ".wav");
      std::ofstream file(path, std::ios::binary);
      file << speech->wav;
      if (!file.flush()) {
        std::cerr << "maestro scenarios: cannot write " << path << "\n";
        return 1;
      }
      std::cout << path.string() << "\t" << question << "\n";
      ++written;
    }
  }
  if (written == 0) {
    std::cerr << "maestro scenarios: no question in language '" << args.language << "'\n";
    return 1;
  }
  return 0;
}

RegisterCommand scenarios_command(
    "scenarios", "The benchmark's scenario questions (data/scenarios.yaml): list them or render them to WAV",
    [](CLI::App& command) -> std::function<int()> {
      auto args = std::make_shared<ScenarioArgs>();
      command.require_subcommand(1);
      command.add_option("--file", args->file, "Scenario file (default: data/scenarios.yaml)");
      CLI::App* list = command.add_subcommand("list", "Print every scenario question");
      CLI::App* render = command.add_subcommand("render", "Speak every question to <out>/<id>.<language>.wav");
      render->add_option("-o,--out", args->out, "Output folder")->capture_default_str();
      render->add_option("--engine", args->engine, "TTS engine (see `maestro engines`)")->capture_default_str();
      render->add_option("--voice", args->voice, "Voice for every question (default: the file's voice per language)");
      render->add_option("--language", args->language, "Only this language (en or pt-BR)");
      render->add_option("--engine-opt", args->options, "TTS engine option key=value (repeatable)");
      AddDurationOption(*render, "--timeout", args->timeout, "Deadline per question");
      return [args, list] { return list->parsed() ? List(*args) : Render(*args); };
    });

}  // namespace
}  // namespace maestro::cli
