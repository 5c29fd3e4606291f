// `maestro analyst`: ask the grounded analyst a question from the shell, and regenerate its synthetic prices.
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "apps/maestro/command_registry.h"
#include "engines/analyst/analyst.h"
#include "engines/analyst/synthetic_prices.h"

namespace maestro::cli {
namespace {

struct AnalystArgs {
  std::string question;
  std::string knowledge;
  std::string prices;
  bool json = false;
  bool context = false;
  uint64_t seed = 42;
  int year = 2024;
  std::string out;
};

int Ask(const AnalystArgs& args) {
  auto analyst = analyst::Analyst::Create({args.knowledge, args.prices});
  if (!analyst.ok()) {
    std::cerr << "maestro analyst: " << analyst.status().ToString() << "\n";
    return 1;
  }
  if (args.context) {
    auto context = (*analyst)->RetrieveContext(args.question);
    nlohmann::json out = {{"language", analyst::LanguageTag(context.language)},
                          {"grounded", context.grounded},
                          {"passages", context.passages},
                          {"sources", context.sources}};
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  auto answer = (*analyst)->Answer(args.question);
  if (args.json) {
    nlohmann::json out = {{"text", answer.text}, {"language", answer.language}, {"sources", answer.sources}};
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << answer.text << "\n";
    std::cerr << "language: " << answer.language << "\n";
    for (const auto& source : answer.sources) std::cerr << "source: " << source << "\n";
  }
  return 0;
}

int GeneratePrices(const AnalystArgs& args) {
  std::string csv = analyst::GenerateSyntheticPrices(args.seed, args.year);
  if (args.out.empty()) {
    std::cout << csv;
    return 0;
  }
  std::ofstream file(args.out, std::ios::binary);
  file << csv;
  if (!file.flush()) {
    std::cerr << "maestro analyst gen-prices: cannot write " << args.out << "\n";
    return 1;
  }
  return 0;
}

RegisterCommand analyst_command(
    "analyst",
    "The grounded financial analyst (NOT a neural model): answer a question, or regenerate its synthetic prices",
    [](CLI::App& command) -> std::function<int()> {
      auto args = std::make_shared<AnalystArgs>();
      command.require_subcommand(1);
      CLI::App* ask = command.add_subcommand("ask", "Answer one question from the knowledge base");
      ask->add_option("question", args->question, "The question, in English or Brazilian Portuguese")->required();
      ask->add_option("--knowledge", args->knowledge, "Knowledge folder (default: data/knowledge)");
      ask->add_option("--prices", args->prices, "Price CSV instead of the synthetic sample");
      ask->add_flag("--json", args->json, "Print {text, language, sources} as JSON");
      ask->add_flag("--context", args->context, "Print the retrieved context a remote model would get");
      CLI::App* generate = command.add_subcommand("gen-prices", "Write the deterministic synthetic price CSV");
      generate->add_option("--seed", args->seed, "Random seed")->capture_default_str();
      generate->add_option("--year", args->year, "Calendar year")->capture_default_str()->check(CLI::Range(1990, 2100));
      generate->add_option("-o,--out", args->out, "Output file (default: stdout)");
      return [args, ask] { return ask->parsed() ? Ask(*args) : GeneratePrices(*args); };
    });

}  // namespace
}  // namespace maestro::cli
