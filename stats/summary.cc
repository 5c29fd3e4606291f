#include "stats/summary.h"

#include <algorithm>
#include <cmath>

namespace maestro::stats {

double Mean(std::span<const double> values) {
  double sum = 0;
  for (double v : values) sum += v;
  const double n = static_cast<double>(values.size());
  const double first = sum / n;
  double correction = 0;
  for (double v : values) correction += v - first;
  return first + correction / n;
}

double SumOfSquaredDeviations(std::span<const double> values, double center) {
  double sum = 0;
  for (double v : values) sum += (v - center) * (v - center);
  return sum;
}

std::vector<double> Sorted(std::span<const double> values) {
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

double Quantile(std::span<const double> sorted, double p) {
  const double position = p * static_cast<double>(sorted.size() - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

}  // namespace maestro::stats
