#include "stats/multiple_comparisons.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace maestro::stats {
namespace {

// Indices of the defined p-values, sorted by p (stable, so ties keep input order).
std::vector<std::size_t> DefinedByP(const std::vector<double>& p) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!std::isnan(p[i])) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&p](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  return order;
}

}  // namespace

std::vector<double> HolmAdjust(const std::vector<double>& p) {
  std::vector<double> adjusted = p;
  const auto order = DefinedByP(p);
  const double m = static_cast<double>(order.size());
  double running = 0;  // step-down: adjusted values never decrease along the sorted order
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    running = std::max(running, std::min(1.0, (m - static_cast<double>(rank)) * p[order[rank]]));
    adjusted[order[rank]] = running;
  }
  return adjusted;
}

std::vector<double> BenjaminiHochbergAdjust(const std::vector<double>& p) {
  std::vector<double> adjusted = p;
  const auto order = DefinedByP(p);
  const double m = static_cast<double>(order.size());
  double running = 1;  // step-up: walk from the largest p down, keeping the running minimum
  for (std::size_t rank = order.size(); rank-- > 0;) {
    running = std::min(running, m / static_cast<double>(rank + 1) * p[order[rank]]);
    adjusted[order[rank]] = std::min(1.0, running);
  }
  return adjusted;
}

}  // namespace maestro::stats
