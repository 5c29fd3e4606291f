#include "stats/distributions.h"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>

namespace maestro::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Domain and overflow errors become NaN / inf instead of exceptions.
using Policy =
    boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
                                  boost::math::policies::promote_double<false>>;

const boost::math::normal_distribution<double, Policy> kStandardNormal(0.0, 1.0);

// Fixed Gauss-Legendre panels: the integrands below are smooth and their mass sits in known places, so fixed
// rules on well-placed panels reach ~1e-10 relative (checked against scipy) at a fraction of an adaptive rule's cost.
using Rule = boost::math::quadrature::gauss<double, 20>;

// The inner integral runs over z in [-7.5, w + 7.5] (outside it the integrand is below 1e-13 of its peak) in
// panels of width 8 starting at -7.5, so its nodes do not depend on w and Phi(z), 1 - Phi(z) and phi(z) can be
// tabulated once. Only Phi(z - w) is evaluated per call: this is the hot loop of every Tukey p-value.
struct InnerNodes {
  static constexpr double kStart = -7.5;
  static constexpr double kPanelWidth = 5;
  static constexpr int kMaxPanels = 24;  // covers any w whose survival does not underflow to 0
  std::vector<double> z, weight, lower_tail, upper_tail, density;
  int per_panel = 0;

  InnerNodes() {
    const auto& x = Rule::abscissa();
    const auto& w = Rule::weights();
    const double half = kPanelWidth / 2;
    for (int panel = 0; panel < kMaxPanels; ++panel) {
      const double center = kStart + half + panel * kPanelWidth;
      for (std::size_t i = 0; i < x.size(); ++i) {
        for (double sign : {-1.0, 1.0}) {
          if (x[i] == 0 && sign > 0) continue;
          Add(center + sign * half * x[i], half * w[i]);
        }
      }
      if (panel == 0) per_panel = static_cast<int>(z.size());
    }
  }

  void Add(double node, double node_weight) {
    z.push_back(node);
    weight.push_back(node_weight);
    lower_tail.push_back(0.5 * std::erfc(-node * M_SQRT1_2));
    upper_tail.push_back(0.5 * std::erfc(node * M_SQRT1_2));
    density.push_back(std::exp(-0.5 * node * node) * 0.3989422804014327);
  }
};

const InnerNodes& Nodes() {
  static const InnerNodes nodes;
  return nodes;
}

// P(range of k iid standard normals > w) = k * Integral phi(z) [Phi(z)^(k-1) - (Phi(z) - Phi(z-w))^(k-1)] dz.
// The bracket is written as Phi(z-w) * sum a^i b^(m-1-i) with a = Phi(z), b = a - Phi(z-w), which has no
// cancellation, so tiny tail probabilities keep their relative accuracy.
double NormalRangeSurvival(double w, double k) {
  if (std::isnan(w)) return kNaN;
  if (w <= 0) return 1.0;
  if (w > 100) return 0.0;  // below 1e-1000: underflows anyway, and keeps the panel arithmetic in range
  const InnerNodes& nodes = Nodes();
  const int panels = static_cast<int>(std::ceil((w + 15) / InnerNodes::kPanelWidth));
  if (panels > InnerNodes::kMaxPanels) return 0.0;
  // Panels wholly below w/2 - 7.5 hold less than 1e-13 of the integral once w is large.
  const int first_panel = std::max(0, static_cast<int>((w / 2 - 7.5 - InnerNodes::kStart) / InnerNodes::kPanelWidth));
  const int m = static_cast<int>(k) - 1;
  const int count = panels * nodes.per_panel;
  double total = 0;
  for (int i = first_panel * nodes.per_panel; i < count; ++i) {
    const double shifted = nodes.z[i] - w;
    const double lower = 0.5 * std::erfc(-shifted * M_SQRT1_2);
    if (lower == 0) continue;
    const double a = nodes.lower_tail[i];
    // Phi(z) - Phi(z - w) from the upper tails when both are near 1, for accuracy at large z.
    const double b = shifted > 0 ? 0.5 * std::erfc(shifted * M_SQRT1_2) - nodes.upper_tail[i] : a - lower;
    // sum_{i<m} a^i b^(m-1-i), built as S(j+1) = b S(j) + a^j.
    double sum = 1, a_power = 1;
    for (int j = 1; j < m; ++j) {
      a_power *= a;
      sum = b * sum + a_power;
    }
    total += nodes.weight[i] * nodes.density[i] * lower * sum;
  }
  return std::min(1.0, k * total);
}

// Density of s = sqrt(chi2_df / df), evaluated in log form to avoid overflow at large df.
double ScaleDensity(double s, double df, double log_constant) {
  if (s <= 0) return 0;
  return std::exp(log_constant + (df - 1) * std::log(s) - df * s * s / 2);
}

}  // namespace

double FSurvival(double f, double df1, double df2) {
  if (!(df1 > 0) || !(df2 > 0) || std::isnan(f)) return kNaN;
  if (f <= 0) return 1.0;
  if (std::isinf(f)) return 0.0;
  return cdf(complement(boost::math::fisher_f_distribution<double, Policy>(df1, df2), f));
}

double ChiSquaredSurvival(double x, double df) {
  if (!(df > 0) || std::isnan(x)) return kNaN;
  if (x <= 0) return 1.0;
  return cdf(complement(boost::math::chi_squared_distribution<double, Policy>(df), x));
}

double StudentTQuantile(double p, double df) {
  if (!(df > 0) || !(p > 0 && p < 1)) return kNaN;
  return quantile(boost::math::students_t_distribution<double, Policy>(df), p);
}

double StudentTSurvival(double t, double df) {
  if (!(df > 0) || std::isnan(t)) return kNaN;
  return cdf(complement(boost::math::students_t_distribution<double, Policy>(df), t));
}

double NormalQuantile(double p) {
  if (!(p > 0 && p < 1)) return kNaN;
  return quantile(kStandardNormal, p);
}

double NormalSurvival(double z) {
  return cdf(complement(kStandardNormal, z));
}

double StudentizedRangeSurvival(double q, double k, double df) {
  if (!(k >= 2) || !(df > 0) || std::isnan(q) || k != std::floor(k)) return kNaN;
  if (q <= 0) return 1.0;
  if (std::isinf(q)) return 0.0;
  // Beyond 1e12 df the scale is 1 to within 1e-6 and the finite-df integral has nothing left to resolve.
  if (df > 1e12) return NormalRangeSurvival(q, k);
  // P(Q > q) = Integral f(s) P(range > q s) ds, f the density of sqrt(chi2_df/df).
  const double log_constant =
      (df / 2) * std::log(df) - boost::math::lgamma(df / 2, Policy()) - (df / 2 - 1) * std::log(2.0);
  auto integrand = [&](double s) {
    double density = ScaleDensity(s, df, log_constant);
    return density == 0 ? 0.0 : density * NormalRangeSurvival(q * s, k);
  };
  // f(s) peaks near 1 with spread about 1/sqrt(2 df); panels scaled to that spread keep each piece smooth.
  // Beyond 1 + 30 spreads (and, for small df, beyond the point where s^(df-1) e^(-df s^2/2) < 1e-18) f is nil.
  const double spread = 1 / std::sqrt(2 * df);
  double upper = 1 + 30 * spread;
  while (ScaleDensity(upper, df, log_constant) > 1e-18) upper *= 1.5;
  double cuts[24];
  int count = 0;
  cuts[count++] = 0;
  for (double step : {-12.0, -4.0, 0.0, 4.0, 12.0}) {
    double s = 1 + step * spread;
    if (s > cuts[count - 1] && s < upper) cuts[count++] = s;
  }
  cuts[count++] = upper;
  // Dividing by the quadrature of f itself cancels the rounding in log_constant, which grows with df.
  double total = 0, mass = 0;
  auto density = [&](double s) { return ScaleDensity(s, df, log_constant); };
  for (int i = 0; i + 1 < count; ++i) {
    total += Rule::integrate(integrand, cuts[i], cuts[i + 1]);
    mass += Rule::integrate(density, cuts[i], cuts[i + 1]);
  }
  total /= mass;
  return std::clamp(total, 0.0, 1.0);
}

double StudentizedRangeQuantile(double p, double k, double df) {
  if (!(p > 0 && p < 1) || !(k >= 2) || !(df > 0)) return kNaN;
  // One analysis asks for the same (p, k, df) many times (every metric of a balanced design); a root costs
  // about ten integrals, so answers are remembered.
  static std::mutex mutex;
  static std::map<std::tuple<double, double, double>, double> cache;
  const auto key = std::make_tuple(p, k, df);
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  const double target = 1 - p;
  auto f = [&](double q) { return StudentizedRangeSurvival(q, k, df) - target; };
  double low = 0, high = 4;
  while (f(high) > 0 && high < 1e4) {
    low = high;
    high *= 2;
  }
  boost::uintmax_t iterations = 100;
  auto tolerance = boost::math::tools::eps_tolerance<double>(34);
  auto [a, b] = boost::math::tools::toms748_solve(f, low, high, f(low), f(high), tolerance, iterations);
  const double q = (a + b) / 2;
  std::lock_guard lock(mutex);
  if (cache.size() > 4096) cache.clear();
  cache.emplace(key, q);
  return q;
}

}  // namespace maestro::stats
