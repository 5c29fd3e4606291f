// Small numeric building blocks shared by the tests: means, sums of squares and quantiles.
#pragma once

#include <span>
#include <vector>

namespace maestro::stats {

// Arithmetic mean with a second correction pass, so large offsets (timestamps, 1e9 + x) keep their digits.
// REQUIRES a non-empty span.
double Mean(std::span<const double> values);
// Sum of (x - center)^2.
double SumOfSquaredDeviations(std::span<const double> values, double center);
std::vector<double> Sorted(std::span<const double> values);
// Quantile of sorted values with linear interpolation between order statistics (Hyndman-Fan type 7, the
// default of numpy and R). REQUIRES non-empty sorted input and 0 <= p <= 1.
double Quantile(std::span<const double> sorted, double p);

}  // namespace maestro::stats
