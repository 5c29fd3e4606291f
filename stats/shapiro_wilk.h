// Shapiro-Wilk test of normality, Royston's algorithm AS R94 (Applied Statistics 44(4), 1995) in double precision.
#pragma once

#include <span>

#include "common/status.h"

namespace maestro::stats {

struct ShapiroWilkResult {
  double w = 0;
  double p = 0;
  int n = 0;
};

// Tests `values` (any order) for normality. REQUIRES 3 <= n <= 5000 (the range AS R94 is calibrated for).
// RETURNS W and its p-value, or kInvalidArgument for a size outside that range or values with zero range.
// Thread-safe.
Result<ShapiroWilkResult> ShapiroWilk(std::span<const double> values);

}  // namespace maestro::stats
