// Two-way ANOVA with interaction for a factorial design (factor A x factor B), exact for unbalanced data.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace maestro::stats {

enum class SumOfSquaresType { kTypeII, kTypeIII };

// One row of the ANOVA table. The residual row has f, p and the effect sizes set to NaN.
struct AnovaRow {
  std::string effect;  // "scenario", "protocol", "scenario:protocol" or "residual" (named after the factors)
  double ss = 0, df = 0, ms = 0, f = 0, p = 0;
  double eta_sq = 0;            // SS_effect / SS_total
  double partial_eta_sq = 0;    // SS_effect / (SS_effect + SS_residual)
  double omega_sq = 0;          // (SS_effect - df_effect MS_residual) / (SS_total + MS_residual)
  double partial_omega_sq = 0;  // (SS_effect - df_effect MS_residual) / (SS_effect + (N - df_effect) MS_residual)
};

struct TwoWayAnovaResult {
  std::vector<AnovaRow> rows;  // A, B, A:B, residual
  double ss_total = 0;
  std::vector<double> residuals;  // y - cell mean, in input order
};

// Fits y ~ A * B. `a` and `b` hold each observation's level index (0..levels-1). Type II sums of squares
// test each main effect after the other (SS(A | B)); Type III uses sum-to-zero coding and tests each effect
// after all others, including the interaction. Both are exact for unequal cell sizes.
// RETURNS kInvalidArgument when a cell is empty (the interaction is then not estimable) or no residual df remain.
Result<TwoWayAnovaResult> TwoWayAnova(const std::vector<double>& y, const std::vector<int>& a, int a_levels,
                                      const std::vector<int>& b, int b_levels, SumOfSquaresType type,
                                      const std::string& a_name, const std::string& b_name);

}  // namespace maestro::stats
