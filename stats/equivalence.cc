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
  const double power_z = NormalQuantile(0.8);
  const double distance = std::fabs(ln_difference);
  const double bound = std::log1p(margin);
  // n per group so that the test's critical distance (z_alpha + z_power) * sd * sqrt(2 / n) fits into the gap.
  auto runs_for = [&](double gap, double z_alpha) {
    if (!(gap > 0)) return static_cast<double>(kMaxRuns);
    const double z = z_alpha + power_z;
    return 2 * sd_pooled * sd_pooled * z * z / (gap * gap);
  };
  const double equivalence = distance < bound ? runs_for(bound - distance, NormalQuantile(1 - alpha)) : kMaxRuns;
  const double difference = runs_for(distance, NormalQuantile(1 - alpha / 2));
  const double n = std::ceil(std::min(equivalence, difference));
  return static_cast<int>(std::clamp(n, 2.0, static_cast<double>(kMaxRuns)));
}

}  // namespace maestro::stats
