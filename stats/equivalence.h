// Equivalence of two protocols on a positive outcome: the ratio of their (geometric) means with a Welch
// confidence interval, a two-sided Welch test of "no difference", and the two one-sided tests (TOST) of
// "equivalent within a margin". Everything is computed on ln(values); ratios are exp of differences.
#pragma once

#include <vector>

namespace maestro::stats {

struct RatioComparison {
  double ratio = 0;                 // exp(mean ln a - mean ln b)
  double ci_low = 0, ci_high = 0;   // (1 - alpha) Welch interval of the ratio
  double df = 0, se = 0;            // Welch-Satterthwaite df and the SE of the ln difference
  double p_difference = 0;          // two-sided Welch t-test of ratio = 1
  double p_equivalence = 0;         // TOST: max of the two one-sided p-values against ratio bounds
  double p_lower = 0, p_upper = 0;  // the one-sided p-values: ratio <= 1/(1+margin), ratio >= 1+margin
  double sd_pooled = 0;             // sqrt((s_a^2 + s_b^2) / 2) on the ln scale, for run-count planning
};

// Compares ln(a) with ln(b). The equivalence bounds are +-ln(1 + margin) on the ln scale, i.e. a ratio in
// [1/(1+margin), 1+margin], so swapping a and b gives the same verdict.
// REQUIRES every value > 0, margin > 0, 0 < alpha < 1. RETURNS NaN statistics when a group has fewer than two
// values or neither group varies (Welch's standard error is zero). Pure, thread-safe.
RatioComparison CompareRatio(const std::vector<double>& a, const std::vector<double>& b, double margin, double alpha);

// Runs per cell that would let the comparison reach a verdict if the observed ln difference and SD held: the
// smallest n at which a test at level `alpha` (e.g. alpha / m for a family of m) has 80% power, using Student's t
// on 2n - 2 df, for equivalence (when |d| < ln(1 + margin)) or for a difference, whichever comes first.
// RETURNS a count >= 2, capped at 100000; NaN inputs give -1.
int RunsNeeded(double ln_difference, double sd_pooled, double margin, double alpha);

}  // namespace maestro::stats
