// Analyze: the whole `maestro analyze` computation on a Table, with no I/O, so `maestro bench` can call it
// at the end of an experiment. Report writers (report/) turn the AnalysisResult into text, JSON, HTML, ...
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "stats/one_way.h"
#include "stats/shapiro_wilk.h"
#include "stats/table.h"
#include "stats/two_way_anova.h"

namespace maestro::stats {

enum class Transform { kNone, kLn, kLog10 };
const char* TransformName(Transform transform);  // "none", "ln", "log10"
// RETURNS the transform for "none" / "ln" / "log10", or kInvalidArgument.
Result<Transform> ParseTransform(const std::string& name);

struct AnalysisOptions {
  std::string scenario_column = "scenario";
  std::string protocol_column = "protocol";
  std::vector<std::string> metrics;             // empty: every metric column of the table
  std::map<std::string, Transform> transforms;  // metric -> transform; absent means none
  SumOfSquaresType ss_type = SumOfSquaresType::kTypeII;
  double alpha = 0.05;
  // Metrics where a larger value is better; when empty, names containing "throughput", "rps" or "per_s" are.
  std::vector<std::string> higher_is_better;
};

// Descriptive statistics of one scenario x protocol cell, on the metric's original scale.
struct CellSummary {
  std::string scenario, protocol;
  int n = 0;
  double mean = 0, sd = 0, median = 0, p90 = 0, min = 0, max = 0;
  double ci_low = 0, ci_high = 0;  // 95% t interval of the mean
  double delta_pct = 0;            // 100 (mean / best mean in the scenario - 1); 0 for the best protocol
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
  bool protocol_matters = false;  // trusted_p < alpha
  std::string best_protocol;
  std::string verdict;  // plain-words summary with effect size
  std::vector<std::string> assumption_notes;
};

struct MetricAnalysis {
  std::string metric;
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
  // One sentence across scenarios, e.g. "Protocol matters for latency_ms in 2 of 3 scenarios (S1, S3); no evidence
  // in S2." It never generalises beyond the scenarios where the trusted test rejected.
  std::string summary;
};

struct AnalysisResult {
  std::string scenario_factor, protocol_factor;
  std::vector<std::string> scenarios, protocols;  // levels in order of first appearance
  SumOfSquaresType ss_type = SumOfSquaresType::kTypeII;
  double alpha = 0.05;
  int rows = 0;
  std::vector<MetricAnalysis> metrics;
  std::vector<std::string> ignored_columns;
};

// Runs descriptives, the two-way ANOVA and the per-scenario tests for every selected metric.
// RETURNS kInvalidArgument when a factor or metric named in `options` is missing, a transform meets a value
// <= 0, or there are fewer than two protocols. Problems local to one metric or scenario (an empty cell,
// zero variance) are reported inside the result instead. Thread-safe.
Result<AnalysisResult> Analyze(const Table& table, const AnalysisOptions& options = {});

// Formats a p-value honestly: 3 significant digits, scientific below 1e-4, never "< 0.001" for 0.00125.
std::string FormatP(double p);
// "negligible", "small", "medium" or "large" for an omega-squared (Cohen's 0.01 / 0.06 / 0.14 thresholds).
const char* EffectSizeWord(double omega_sq);

}  // namespace maestro::stats
