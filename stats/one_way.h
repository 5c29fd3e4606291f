// Tests across k independent groups (one factor): classic and Welch's ANOVA, Kruskal-Wallis, Levene
// (Brown-Forsythe), and the pairwise Tukey HSD and Games-Howell procedures. Each function is pure and thread-safe.
#pragma once

#include <string>
#include <vector>

namespace maestro::stats {

// One group's observations. The analysis builds these per scenario, one per protocol.
struct Group {
  std::string name;
  std::vector<double> values;
};

struct OneWayAnovaResult {
  double ss_between = 0, ss_within = 0, ss_total = 0;
  double df_between = 0, df_within = 0;
  double f = 0, p = 0;
  double eta_sq = 0, omega_sq = 0;
};

struct WelchResult {
  double f = 0, df1 = 0, df2 = 0, p = 0;
};

struct KruskalWallisResult {
  double h = 0, df = 0, p = 0;
  double tie_correction = 1;  // the divisor applied to H for tied ranks
};

struct LeveneResult {
  double w = 0, df1 = 0, df2 = 0, p = 0;  // ANOVA on |x - group median| (Brown-Forsythe)
};

// One pair (a, b) with difference mean(a) - mean(b). `q` is |diff| / se on the studentized range scale.
struct PairwiseResult {
  std::string a, b;
  double diff = 0, se = 0, q = 0, df = 0, p = 0;
  double ci_low = 0, ci_high = 0;  // simultaneous (1 - alpha) interval; NaN when not computed
};

// Every function below REQUIRES at least two groups; it RETURNS NaN statistics when the test is undefined
// (too few values, zero variance) rather than failing, so one degenerate scenario does not sink a report.

// Classic one-way ANOVA (equal variances assumed). Needs N > k.
OneWayAnovaResult OneWayAnova(const std::vector<Group>& groups);
// Welch's heteroscedastic ANOVA (Welch 1951). Needs n >= 2 and variance > 0 in every group.
WelchResult WelchAnova(const std::vector<Group>& groups);
// Kruskal-Wallis H with average ranks for ties and the tie correction; chi-squared(k - 1) p-value.
KruskalWallisResult KruskalWallis(const std::vector<Group>& groups);
// Brown-Forsythe variant of Levene's test (deviations from the group median), as scipy's levene(center='median').
LeveneResult BrownForsythe(const std::vector<Group>& groups);
// Tukey-Kramer HSD: pooled variance, studentized range with k groups and N - k df. `alpha` sets the intervals.
std::vector<PairwiseResult> TukeyHsd(const std::vector<Group>& groups, double alpha);
// Games-Howell: per-pair Welch standard errors and Welch-Satterthwaite df on the studentized range.
// Intervals are not computed (ci_* are NaN): each pair has its own df, and a quantile per pair costs too much.
std::vector<PairwiseResult> GamesHowell(const std::vector<Group>& groups);

}  // namespace maestro::stats
