#include "engines/pocketsphinx/domain_model.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "engines/pocketsphinx/pronunciation_dictionary.h"
#include "engines/pocketsphinx/question_corpus.h"
#include "engines/stt_eval/text_normalizer.h"

namespace maestro::pocketsphinx {
namespace {

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(StatusCode::kNotFound, "cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return out ? Status::Ok() : Internal("cannot write " + path);
}

std::set<std::string> HeldOut(const std::string& tsv) {
  std::set<std::string> held_out;
  std::istringstream lines(tsv);
  std::string line;
  while (std::getline(lines, line)) {
    const auto tab = line.find('\t');
    if (line.empty() || line[0] == '#' || tab == std::string::npos) continue;
    if (line.substr(0, tab) == "heldout") held_out.insert(stt_eval::NormalizeText(line.substr(tab + 1)));
  }
  return held_out;
}

}  // namespace

std::string DefaultDataDir() {
  if (const char* dir = std::getenv("MAESTRO_DATA_DIR"); dir && *dir) return dir;
  return MAESTRO_SOURCE_DATA_DIR;
}

DomainModelSources DefaultSources(const std::string& data_dir) {
  return {data_dir + "/stt/finance_corpus.txt", data_dir + "/stt/finance_eval.tsv", data_dir + "/stt/extra.dict",
          "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"};
}

Result<DomainModel> BuildDomainModel(const DomainModelSources& sources, const std::string& out_dir) {
  const auto start = std::chrono::steady_clock::now();
  auto templates = ReadText(sources.corpus_path);
  if (!templates.ok()) return templates.status();
  std::set<std::string> held_out;
  if (!sources.held_out_path.empty()) {
    auto tsv = ReadText(sources.held_out_path);
    if (!tsv.ok()) return tsv.status();
    held_out = HeldOut(*tsv);
  }
  auto sentences = ExpandTemplates(*templates, held_out);
  if (!sentences.ok())
    return Status(StatusCode::kInvalidArgument, sources.corpus_path + ": " + sentences.status().message());

  DomainModel model;
  model.sentences = sentences->size();
  auto arpa = BuildArpa(*sentences, 3, &model.lm);
  if (!arpa.ok()) return arpa.status();

  std::set<std::string> words;
  for (const auto& sentence : *sentences) {
    std::istringstream in(sentence);
    std::string word;
    while (in >> word) words.insert(word);
  }
  model.vocabulary = words.size();
  auto extra = ReadText(sources.extra_dict_path);
  if (!extra.ok()) return extra.status();
  auto cmudict = ReadText(sources.cmudict_path);
  if (!cmudict.ok()) return cmudict.status();
  auto dictionary = SelectPronunciations(words, {*extra, *cmudict});
  if (!dictionary.ok()) return dictionary.status();

  model.lm_path = out_dir + "/finance.lm";
  model.dict_path = out_dir + "/finance.dict";
  if (auto status = WriteText(model.lm_path, *arpa); !status.ok()) return status;
  if (auto status = WriteText(model.dict_path, *dictionary); !status.ok()) return status;
  model.build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return model;
}

}  // namespace maestro::pocketsphinx
