#include "stats/equivalence.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "stats/distributions.h"
#include "stats/summary.h"

namespace maestro::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxRuns = 100000;

struct LnMoments {
  double n = 0, mean = 0, variance = kNaN;
};

LnMoments Moments(const std::vector<double>& values) {
  LnMoments m;
  std::vector<double> logs;
  logs.reserve(values.size());
  for (double v : values) logs.push_back(std::log(v));
  m.n = static_cast<double>(logs.size());
  if (logs.empty()) return m;
  m.mean = Mean(logs);
  if (logs.size() > 1) m.variance = SumOfSquaredDeviations(logs, m.mean) / (m.n - 1);
  return m;
}

}  // namespace

RatioComparison CompareRatio(const std::vector<double>& a, const std::vector<double>& b, double margin, double alpha) {
  RatioComparison r;
  const LnMoments x = Moments(a), y = Moments(b);
  const double d = x.mean - y.mean;
  const double va = x.variance / x.n, vb = y.variance / y.n;
  r.ratio = std::exp(d);
  r.se = std::sqrt(va + vb);
  r.df = (va + vb) * (va + vb) / (va * va / (x.n - 1) + vb * vb / (y.n - 1));
  r.sd_pooled = std::sqrt((x.variance + y.variance) / 2);
  if (!(r.se > 0) || !(r.df > 0)) {
    r.ci_low = r.ci_high = r.p_difference = r.p_equivalence = r.p_lower = r.p_upper = r.df = kNaN;
    if (!(x.n > 1 && y.n > 1)) r.ratio = kNaN;
    return r;
  }
  const double t_crit = StudentTQuantile(1 - alpha / 2, r.df);
  r.ci_low = std::exp(d - t_crit * r.se);
  r.ci_high = std::exp(d + t_crit * r.se);
  r.p_difference = std::min(1.0, 2 * StudentTSurvival(std::fabs(d) / r.se, r.df));
  const double bound = std::log1p(margin);
  r.p_lower = StudentTSurvival((d + bound) / r.se, r.df);  // H0: d <= -bound
  r.p_upper = StudentTSurvival((bound - d) / r.se, r.df);  // H0: d >= +bound
  r.p_equivalence = std::max(r.p_lower, r.p_upper);
  return r;
}

int RunsNeeded(double ln_difference, double sd_pooled, double margin, double alpha) {
  if (std::isnan(ln_difference) || std::isnan(sd_pooled) || !(alpha > 0 && alpha < 1)) return -1;
  const double distance = std::fabs(ln_difference);
  const double equivalence_gap = std::log1p(margin) - distance;
  // With n runs per cell, a test at level a has 80% power when (t_(1-a) + t_0.8) * sd * sqrt(2 / n) fits in the gap
  // (Student's t on 2n - 2 df, so small n pay for their uncertain SD).
  auto enough = [&](double n) {
    const double df = 2 * n - 2;
    const double spread = sd_pooled * std::sqrt(2 / n);
    const double power_t = StudentTQuantile(0.8, df);
    const bool equivalent =
        equivalence_gap > 0 && (StudentTQuantile(1 - alpha, df) + power_t) * spread <= equivalence_gap;
    const bool different = distance > 0 && (StudentTQuantile(1 - alpha / 2, df) + power_t) * spread <= distance;
    return equivalent || different;
  };
  if (enough(2)) return 2;
  double low = 2, high = 4;  // enough(low) is false; grow high until it is enough
  while (high < kMaxRuns && !enough(high)) {
    low = high;
    high *= 2;
  }
  if (!enough(std::min(high, static_cast<double>(kMaxRuns)))) return kMaxRuns;
  while (high - low > 1) {
    const double middle = std::floor((low + high) / 2);
    (enough(middle) ? high : low) = middle;
  }
  return static_cast<int>(high);
}

}  // namespace maestro::stats
