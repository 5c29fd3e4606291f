// The experiment's outcomes, declared before any run and written into manifest.json: primary (latency p50 and
// mean on ln, throughput), secondary (CPU and memory summed over the services) and exploratory (the
// per-process columns and the tail latencies). The report reads the declaration back from the manifest, so the
// analysis cannot pick its outcomes after seeing the data.
#pragma once

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "stats/analysis.h"
#include "stats/table.h"

namespace maestro::bench {

// The declaration for manifest["outcomes"], with the equivalence margin (0.05 = 5%) and alpha of the analysis.
nlohmann::json DeclaredOutcomes(double equivalence_margin, double alpha);

// Reads a declaration written by DeclaredOutcomes into `options`: the tiers, the metrics to analyse (declared
// columns present in `table`, plus every <metric>@<process> column of a declared process), the transforms,
// the margin and alpha. RETURNS kInvalidArgument when `outcomes` is not such a declaration.
Status ApplyDeclaredOutcomes(const nlohmann::json& outcomes, const stats::Table& table,
                             stats::AnalysisOptions& options);

}  // namespace maestro::bench
