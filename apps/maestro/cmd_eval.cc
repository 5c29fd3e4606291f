// `maestro eval stt MANIFEST`: word error rate of an STT engine against reference transcripts.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "apps/maestro/command_registry.h"
#include "engines/engine_registry.h"
#include "engines/stt_eval/stt_evaluation.h"
#include "engines/stt_eval/text_normalizer.h"

namespace maestro::cli {
namespace {

struct EvalSttArgs {
  std::string manifest;
  std::string engine = "pocketsphinx";
  std::vector<std::string> options;
  bool json = false;
  int64_t clip_ms = 60000;
};

std::string Percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", 100.0 * fraction);
  return buffer;
}

int RunEvalStt(const EvalSttArgs& args) {
  auto entries = stt_eval::ReadManifest(args.manifest);
  if (!entries.ok()) {
    std::cerr << "maestro eval stt: " << entries.status().ToString() << "\n";
    return 2;
  }
  auto options = ParseEngineOptions(args.options);
  if (!options.ok()) {
    std::cerr << "maestro eval stt: " << options.status().ToString() << "\n";
    return 2;
  }
  auto engine = EngineRegistry::Global().CreateStt(args.engine, *options);
  if (!engine.ok()) {
    std::cerr << "maestro eval stt: " << engine.status().ToString() << "\n";
    return 2;
  }
  const auto evaluation = stt_eval::Evaluate(**engine, *entries, args.clip_ms);
  if (args.json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& clip : evaluation.clips) {
      nlohmann::json item = {{"audio", clip.entry.audio_path},
                             {"reference", clip.entry.reference},
                             {"hypothesis", clip.hypothesis},
                             {"confidence", clip.confidence},
                             {"normalized_reference", stt_eval::NormalizeText(clip.entry.reference)},
                             {"normalized_hypothesis", stt_eval::NormalizeText(clip.hypothesis)},
                             {"words", clip.errors.reference_words},
                             {"substitutions", clip.errors.substitutions},
                             {"deletions", clip.errors.deletions},
                             {"insertions", clip.errors.insertions},
                             {"wer", clip.errors.rate()},
                             {"audio_seconds", clip.audio_seconds},
                             {"decode_seconds", clip.decode_seconds}};
      if (!clip.error.empty()) item["error"] = clip.error;
      items.push_back(std::move(item));
    }
    nlohmann::json out = {{"wer", evaluation.wer()},
                          {"engine", args.engine},
                          {"words", evaluation.total.reference_words},
                          {"errors", evaluation.total.errors()},
                          {"real_time_factor", evaluation.real_time_factor()},
                          {"items", std::move(items)}};
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "# wer%\terrors/words\taudio\treference\thypothesis\n";
  for (const auto& clip : evaluation.clips) {
    std::cout << Percent(clip.errors.rate()) << "\t" << clip.errors.errors() << "/" << clip.errors.reference_words
              << "\t" << clip.entry.audio_path << "\t" << stt_eval::NormalizeText(clip.entry.reference) << "\t"
              << (clip.error.empty() ? stt_eval::NormalizeText(clip.hypothesis) : "ERROR " + clip.error) << "\n";
  }
  std::cout << "# " << evaluation.clips.size() << " clips, " << evaluation.total.errors() << " errors in "
            << evaluation.total.reference_words << " words, real-time factor " << evaluation.real_time_factor() << "\n";
  std::cout << "WER " << Percent(evaluation.wer()) << "%\n";
  return 0;
}

RegisterCommand eval_command(
    "eval", "Evaluate engines against references (eval stt MANIFEST: word error rate)",
    [](CLI::App& command) -> std::function<int()> {
      auto args = std::make_shared<EvalSttArgs>();
      command.require_subcommand(1);
      auto* stt = command.add_subcommand("stt",
                                         "Word error rate of an STT engine over a manifest TSV of "
                                         "audio_path<TAB>reference (paths relative to the manifest)");
      stt->add_option("manifest", args->manifest, "Manifest TSV")->required();
      stt->add_option("--engine", args->engine, "STT engine (see `maestro engines`)");
      stt->add_option("--option,-o", args->options, "Engine option key=value (repeatable)");
      stt->add_flag("--json", args->json, "Print {\"wer\": <fraction>, \"items\": [...]} instead of rows");
      stt->add_option("--clip-ms", args->clip_ms, "Deadline per clip in milliseconds")->check(CLI::Range(1, 3600000));
      return [args, stt] { return stt->parsed() ? RunEvalStt(*args) : 2; };
    });

}  // namespace
}  // namespace maestro::cli
