// How every number in analyses and reports is written: `significant` digits, integers (counts, degrees of
// freedom) without decimals, scientific notation outside [1e-3, 1e6), "n/a" for NaN.
#pragma once

#include <string>

namespace maestro::stats {

std::string FormatSignificant(double value, int significant);

}  // namespace maestro::stats
