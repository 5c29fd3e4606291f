// DomainModel: the finance language model and dictionary that the pocketsphinx engine decodes with, built from
// the question corpus the project ships (data/stt/) when the engine starts.
#pragma once

#include <string>

#include "common/status.h"
#include "engines/pocketsphinx/lm_builder.h"

namespace maestro::pocketsphinx {

struct DomainModelSources {
  std::string corpus_path;      // templates (data/stt/finance_corpus.txt)
  std::string held_out_path;    // TSV "split<TAB>sentence"; "heldout" sentences are kept out of training
  std::string extra_dict_path;  // pronunciations CMUdict lacks (data/stt/extra.dict)
  std::string cmudict_path;     // Debian's cmudict-en-us.dict
};

struct DomainModel {
  std::string lm_path;    // ARPA text
  std::string dict_path;  // pocketsphinx dictionary
  size_t sentences = 0;
  size_t vocabulary = 0;
  LmStats lm;
  double build_ms = 0;
};

// The data folder: $MAESTRO_DATA_DIR if set, else the source tree's data/ compiled in.
std::string DefaultDataDir();

// Sources under `data_dir`, with Debian's cmudict.
DomainModelSources DefaultSources(const std::string& data_dir);

// Expands the corpus, estimates a trigram LM and cuts the dictionary, writing both into `out_dir` (which must
// exist). RETURNS the files and their statistics, or kInvalidArgument / kNotFound naming the unreadable or
// invalid source. THREAD-SAFETY: safe to call concurrently with different `out_dir`s.
Result<DomainModel> BuildDomainModel(const DomainModelSources& sources, const std::string& out_dir);

}  // namespace maestro::pocketsphinx
