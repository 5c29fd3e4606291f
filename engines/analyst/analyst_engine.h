// The `analyst` LLM engine: the grounded, NOT neural Analyst behind the LanguageModel interface.
// Options (all optional):
//   knowledge=DIR   folder with instruments.csv, glossary.yaml and the synthetic prices (default: DefaultKnowledgeDir)
//   prices=FILE     a price CSV to answer from instead of the synthetic sample (date,ticker,open,high,low,close,volume
//                   or ticker,exchange,currency,date,open,high,low,close,volume)
#pragma once

#include <memory>

#include "engines/engine_registry.h"

namespace maestro::analyst {

inline constexpr const char* kAnalystDescription =
    "embedded, grounded financial analyst; NOT a neural model: keyword rules over a shipped instrument table, a "
    "BM25-searched glossary and daily prices (synthetic sample unless prices=FILE); answers <= 50 words in en or "
    "pt-BR and refuses what it cannot ground; options knowledge=DIR, prices=FILE";

Result<std::unique_ptr<LanguageModel>> CreateLanguageModel(EngineOptions options);

void Register(EngineRegistry& registry);

}  // namespace maestro::analyst
