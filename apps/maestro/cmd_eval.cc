// `maestro eval stt MANIFEST`: word error rate of an STT engine against reference transcripts.
// `maestro eval llm FILE`: grounded-fact accuracy, ungrounded numbers, language match and length of an LLM's answers.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"
#include "engines/analyst/analyst.h"
#include "engines/engine_registry.h"
#include "engines/llm_eval/llm_evaluation.h"
#include "engines/stt_eval/stt_evaluation.h"
#include "engines/stt_eval/text_normalizer.h"

namespace maestro::cli {
namespace {

struct EvalSttArgs {
  std::string manifest;
  std::string engine = "pocketsphinx";
  std::vector<std::string> options;
  bool json = false;
  std::chrono::milliseconds timeout{60000};
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
  const auto evaluation = stt_eval::Evaluate(**engine, *entries, args.timeout.count());
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

struct EvalLlmArgs {
  std::string questions;
  std::string engine = "llama";
  std::vector<std::string> options;
  bool json = false;
  double seconds = 60;
};

nlohmann::json AnswerJson(const llm_eval::AnswerResult& answer) {
  nlohmann::json item = {{"language", answer.question.language},
                         {"question", answer.question.text},
                         {"facts", answer.question.facts},
                         {"answer", answer.answer},
                         {"answer_language", answer.answer_language},
                         {"missing_facts", answer.missing_facts},
                         {"ungrounded", answer.ungrounded},
                         {"words", answer.words},
                         {"seconds", answer.seconds}};
  if (!answer.error.empty()) item["error"] = answer.error;
  return item;
}

int RunEvalLlm(const EvalLlmArgs& args) {
  auto fail = [](const Status& status) {
    std::cerr << "maestro eval llm: " << status.ToString() << "\n";
    return 2;
  };
  auto questions = llm_eval::ReadQuestions(args.questions);
  if (!questions.ok()) return fail(questions.status());
  auto options = ParseEngineOptions(args.options);
  if (!options.ok()) return fail(options.status());
  analyst::AnalystConfig knowledge;
  if (auto it = options->find("knowledge"); it != options->end()) knowledge.knowledge_dir = it->second;
  if (auto it = options->find("prices"); it != options->end()) knowledge.prices_path = it->second;
  auto analyst = analyst::Analyst::Create(knowledge);
  if (!analyst.ok()) return fail(analyst.status());
  auto engine = EngineRegistry::Global().CreateLlm(args.engine, *options);
  if (!engine.ok()) return fail(engine.status());
  const auto evaluation = llm_eval::Evaluate(**engine, **analyst, *questions, args.seconds);
  if (args.json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& answer : evaluation.answers) items.push_back(AnswerJson(answer));
    nlohmann::json out = {{"engine", args.engine},
                          {"questions", evaluation.answers.size()},
                          {"fact_accuracy", evaluation.FactAccuracy()},
                          {"ungrounded_number_rate", evaluation.UngroundedNumberRate()},
                          {"language_match_rate", evaluation.LanguageMatchRate()},
                          {"mean_words", evaluation.MeanWords()},
                          {"max_words", evaluation.MaxWords()},
                          {"errors", evaluation.Errors()},
                          {"tokens_per_second", evaluation.TokensPerSecond()},
                          {"items", std::move(items)}};
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "# facts\tlang\twords\tseconds\tquestion\tanswer\n";
  for (const auto& answer : evaluation.answers) {
    const size_t facts = answer.question.facts.size();
    std::cout << (facts - answer.missing_facts.size()) << "/" << facts << "\t"
              << (answer.language_matches ? "ok" : "WRONG") << "\t" << answer.words << "\t" << answer.seconds << "\t"
              << answer.question.text << "\t" << (answer.error.empty() ? answer.answer : "ERROR " + answer.error)
              << "\n";
  }
  std::cout << "# " << evaluation.answers.size() << " questions, " << evaluation.Errors() << " errors\n"
            << "Grounded-fact accuracy " << Percent(evaluation.FactAccuracy()) << "%\n"
            << "Numbers in no fact " << Percent(evaluation.UngroundedNumberRate()) << "%\n"
            << "Language match " << Percent(evaluation.LanguageMatchRate()) << "%\n"
            << "Words per answer: mean " << evaluation.MeanWords() << ", max " << evaluation.MaxWords() << "\n"
            << "Generation speed " << evaluation.TokensPerSecond() << " tokens/s\n";
  return 0;
}

RegisterCommand eval_command(
    "eval", "Evaluate engines (eval stt MANIFEST: word error rate; eval llm FILE: grounded answers)",
    [](CLI::App& command) -> std::function<int()> {
      auto args = std::make_shared<EvalSttArgs>();
      command.require_subcommand(1);
      auto* stt = command.add_subcommand("stt",
                                         "Word error rate of an STT engine over a manifest TSV of "
                                         "audio_path<TAB>reference (paths relative to the manifest)");
      stt->add_option("manifest", args->manifest, "Manifest TSV")->required();
      stt->add_option("--engine", args->engine, "STT engine (see `maestro engines`)");
      stt->add_option("--engine-opt", args->options, "Engine option key=value (repeatable)");
      stt->add_flag("--json", args->json, "Print {\"wer\": <fraction>, \"items\": [...]} instead of rows");
      AddDurationOption(*stt, "--timeout", args->timeout, "Deadline per clip");
      auto llm_args = std::make_shared<EvalLlmArgs>();
      auto* llm = command.add_subcommand("llm",
                                         "Grounded-fact accuracy, numbers found in no fact, language match and words "
                                         "per answer of an LLM engine over a TSV of language<TAB>question<TAB>facts");
      llm->add_option("questions", llm_args->questions, "Question file (data/eval/llm_questions.tsv)")->required();
      llm->add_option("--engine", llm_args->engine, "LLM engine (see `maestro engines`)")->capture_default_str();
      llm->add_option("--engine-opt", llm_args->options, "Engine option key=value (repeatable)");
      llm->add_flag("--json", llm_args->json, "Print the summary and every answer as JSON");
      llm->add_option("--seconds", llm_args->seconds, "Budget per answer in seconds")
          ->check(CLI::Range(0.1, 3600.0))
          ->capture_default_str();
      return [args, stt, llm_args, llm] {
        if (stt->parsed()) return RunEvalStt(*args);
        if (llm->parsed()) return RunEvalLlm(*llm_args);
        return 2;
      };
    });

}  // namespace
}  // namespace maestro::cli
