// Adjusted p-values for families of tests: Holm's step-down (controls the family-wise error rate) and
// Benjamini-Hochberg's step-up (controls the false discovery rate), as statsmodels' multipletests computes them.
#pragma once

#include <vector>

namespace maestro::stats {

// Holm (1979). RETURNS one adjusted p-value per input, in input order, each in [0, 1]. NaN inputs (tests that
// could not be run) stay NaN and do not count towards the family size. Pure, thread-safe.
std::vector<double> HolmAdjust(const std::vector<double>& p);

// Benjamini and Hochberg (1995). Same contract as HolmAdjust.
std::vector<double> BenjaminiHochbergAdjust(const std::vector<double>& p);

}  // namespace maestro::stats
