// The analysis's plain words: assumption notes, the verdict of each scenario's omnibus test, the verdict of each
// primary pairwise comparison, one summary per metric and one sentence per scenario. Internal to maestro_stats;
// every function only reads numbers that Analyze already computed.
#pragma once

#include <string>

#include "stats/analysis.h"

namespace maestro::stats {

// "one-way ANOVA", "Welch's ANOVA" or "Kruskal-Wallis" for a trusted_test name.
const char* TestLabel(const std::string& test);
// Explains which omnibus test the assumption checks chose. `sd_ratio` is the largest over the smallest group SD.
void AddAssumptionNotes(ScenarioAnalysis& s, double sd_ratio);
// Sets s.verdict from its (adjusted) tests, or says why nothing was tested.
void WriteScenarioVerdict(ScenarioAnalysis& s, const MetricAnalysis& metric, double alpha, int min_runs);
// Sets pair.outcome, pair.runs_needed and pair.verdict from its adjusted p-values. `family_size` is the number of
// tested pairs in the Holm family (used to plan runs at the level the smallest-p test faces).
void WritePairVerdict(PairComparison& pair, const MetricAnalysis& metric, double margin, double alpha, int family_size);
// One sentence across the metric's scenarios.
std::string MetricSummary(const MetricAnalysis& metric);
// One sentence per scenario from the primary outcomes (or, without any, from the omnibus verdicts).
std::vector<ScenarioStory> TellStories(const AnalysisResult& result);

}  // namespace maestro::stats
