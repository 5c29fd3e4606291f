// Analyze: the whole `maestro analyze` computation on a Table, with no I/O, so `maestro bench` can call it
// at the end of an experiment. Report writers (report/) turn the AnalysisResult into text, JSON, HTML, ...
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "stats/equivalence.h"
#include "stats/one_way.h"
#include "stats/shapiro_wilk.h"
#include "stats/table.h"
#include "stats/two_way_anova.h"

namespace maestro::stats {

enum class Transform { kNone, kLn, kLog10 };
const char* TransformName(Transform transform);  // "none", "ln", "log10"
// RETURNS the transform for "none" / "ln" / "log10", or kInvalidArgument.
Result<Transform> ParseTransform(const std::string& name);

// Outcomes are declared before the data: primary outcomes carry the verdicts (Holm-adjusted, with equivalence
// tests), secondary ones are tested with Benjamini-Hochberg, every other metric is exploratory (also BH).
enum class OutcomeTier { kPrimary, kSecondary, kExploratory };
const char* TierName(OutcomeTier tier);  // "primary", "secondary", "exploratory"

struct AnalysisOptions {
  std::string scenario_column = "scenario";
  std::string protocol_column = "protocol";
  std::vector<std::string> metrics;             // empty: every metric column of the table
  std::map<std::string, Transform> transforms;  // metric -> transform; absent means none
  SumOfSquaresType ss_type = SumOfSquaresType::kTypeII;
  double alpha = 0.05;
  // Metrics where a larger value is better; when empty, names containing "throughput", "rps" or "per_s" are.
  std::vector<std::string> higher_is_better;
  // The declaration of outcomes. Metrics in neither list are exploratory; with both empty, every metric is.
  std::vector<std::string> primary;
  std::vector<std::string> secondary;
  // Equivalence margin for the primary outcomes: ratios within [1/(1+m), 1+m] count as equivalent.
  double equivalence_margin = 0.05;
  // Below this many runs in any compared cell of a scenario, only descriptives are reported.
  int min_runs = 3;
};

// Descriptive statistics of one scenario x protocol cell, on the metric's original scale.
struct CellSummary {
  std::string scenario, protocol;
  int n = 0;
  double mean = 0, sd = 0, median = 0, p90 = 0, min = 0, max = 0;
  double ci_low = 0, ci_high = 0;  // 95% t interval of the mean
  double delta_pct = 0;            // 100 (mean / best mean in the scenario - 1); 0 for the best protocol
  double cv_pct = 0;               // run-to-run coefficient of variation, 100 sd / |mean|; NaN below two runs
  bool best = false;
};

// Whether an assumption held, in the analysis's own words.
enum class Check { kPassed, kFailed, kNotTested };
const char* CheckName(Check check);  // "passed", "failed", "not_tested"

struct ScenarioAnalysis {
  std::string scenario;
  std::vector<std::string> protocols;  // the groups compared, in table order
  OneWayAnovaResult anova;
  WelchResult welch;
  KruskalWallisResult kruskal_wallis;
  LeveneResult levene;
  ShapiroWilkResult shapiro;  // on the residuals x - group mean; n = 0 when not tested
  std::string shapiro_note;   // why it was not tested, if so
  std::vector<PairwiseResult> tukey;
  std::vector<PairwiseResult> games_howell;
  Check normality = Check::kNotTested;
  Check equal_variance = Check::kNotTested;
  std::string trusted_test;     // "anova", "welch" or "kruskal_wallis"
  std::string trusted_posthoc;  // "tukey" or "games_howell"
  double trusted_p = 0;
  double p_adjusted = 0;           // trusted_p adjusted within the metric's family (Holm or BH); NaN when untested
  std::string adjustment;          // "holm" or "bh"
  bool protocol_matters = false;   // p_adjusted < alpha
  bool descriptives_only = false;  // a compared cell has fewer than min_runs runs; no test was run
  bool not_testable = false;       // a protocol gave the same value in every run (or every test is undefined)
  std::string best_protocol;
  std::string verdict;  // plain-words summary with effect size
  std::vector<std::string> assumption_notes;
};

// One primary outcome, one scenario, one pair of protocols: is a equivalent to b, different, or unknown?
struct PairComparison {
  std::string scenario, a, b;
  RatioComparison ratio;  // a / b with its 95% CI, Welch and TOST p-values (unadjusted)
  double p_difference_adjusted = 0, p_equivalence_adjusted = 0;  // Holm within the primary family
  std::string outcome;  // "equivalent", "different", "inconclusive", "not_testable" or "descriptives_only"
  int runs = 0;         // the smaller of the two cells' run counts
  int runs_needed = 0;  // for "inconclusive": runs per cell that would likely settle it (always more than runs)
  std::string verdict;  // plain words, e.g. "grpc is 8-12% slower than rest"
};

struct MetricAnalysis {
  std::string metric;
  OutcomeTier tier = OutcomeTier::kExploratory;
  Transform transform = Transform::kNone;
  bool higher_is_better = false;
  int n = 0;  // observations used (rows with a value)
  std::vector<CellSummary> descriptives;
  bool anova_ok = false;
  std::string anova_error;  // why the two-way ANOVA was not run
  std::vector<AnovaRow> anova;
  ShapiroWilkResult anova_shapiro;  // residuals of the two-way model; n = 0 when not tested
  LeveneResult anova_levene;        // Brown-Forsythe across all cells
  Check anova_normality = Check::kNotTested;
  Check anova_equal_variance = Check::kNotTested;
  std::vector<std::string> anova_notes;
  std::vector<ScenarioAnalysis> per_scenario;
  std::vector<PairComparison> comparisons;  // primary outcomes only: every scenario x pair of protocols
  // One sentence across scenarios, e.g. "Protocol matters for latency_ms in 2 of 3 scenarios (S1, S3); no evidence
  // in S2." It never generalises beyond the scenarios where the trusted test rejected.
  std::string summary;
};

// The answer for one scenario in one sentence, built from the primary outcomes' comparisons.
struct ScenarioStory {
  std::string scenario;
  std::string sentence;
};

struct AnalysisResult {
  std::string scenario_factor, protocol_factor;
  std::vector<std::string> scenarios, protocols;  // levels in order of first appearance
  SumOfSquaresType ss_type = SumOfSquaresType::kTypeII;
  double alpha = 0.05;
  int rows = 0;
  double equivalence_margin = 0.05;
  int min_runs = 3;
  bool outcomes_declared = false;  // false: no primary or secondary outcomes were named
  std::vector<MetricAnalysis> metrics;
  std::vector<ScenarioStory> stories;  // one per scenario, in scenario order
  std::vector<std::string> ignored_columns;
};

// Runs descriptives, the two-way ANOVA, the per-scenario tests and (for primary outcomes) the pairwise ratio and
// equivalence tests for every selected metric, then adjusts p-values per family and writes the verdicts.
// RETURNS kInvalidArgument when a factor or metric named in `options` is missing, a transform meets a value
// <= 0, the margin or alpha is outside (0, 1), or there are fewer than two protocols. A primary outcome with a
// value <= 0 in a cell makes that cell's comparisons "not_testable" (a ratio needs positive values).
// Problems local to one metric or scenario (an empty cell, zero variance) are reported inside the result instead.
// Thread-safe.
Result<AnalysisResult> Analyze(const Table& table, const AnalysisOptions& options = {});

// Formats a p-value honestly: 3 significant digits, scientific below 1e-4, never "< 0.001" for 0.00125.
std::string FormatP(double p);
// "negligible", "small", "medium" or "large" for an omega-squared (Cohen's 0.01 / 0.06 / 0.14 thresholds).
const char* EffectSizeWord(double omega_sq);

}  // namespace maestro::stats
