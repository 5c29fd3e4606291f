#include "stats/shapiro_wilk.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "stats/distributions.h"

namespace maestro::stats {
namespace {

// c[0] + c[1] x + ... + c[n-1] x^(n-1).
double Polynomial(std::span<const double> c, double x) {
  double result = 0;
  for (std::size_t i = c.size(); i-- > 0;) result = result * x + c[i];
  return result;
}

constexpr double kC1[] = {0.0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056};
constexpr double kC2[] = {0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633};
constexpr double kC3[] = {0.544, -0.39978, 0.025054, -6.714e-4};
constexpr double kC4[] = {1.3822, -0.77857, 0.062767, -0.0020322};
constexpr double kC5[] = {-1.5861, -0.31082, -0.083751, 0.0038915};
constexpr double kC6[] = {-0.4803, -0.082676, 0.0030302};
constexpr double kG[] = {-2.273, 0.459};

}  // namespace

Result<ShapiroWilkResult> ShapiroWilk(std::span<const double> values) {
  const int n = static_cast<int>(values.size());
  if (n < 3 || n > 5000) {
    return InvalidArgument("Shapiro-Wilk needs between 3 and 5000 values, got " + std::to_string(n));
  }
  std::vector<double> x(values.begin(), values.end());
  std::sort(x.begin(), x.end());
  const double range = x[n - 1] - x[0];
  if (!(range > 1e-300) || !std::isfinite(range)) return InvalidArgument("Shapiro-Wilk: all values are identical");

  // Coefficients a[0..n/2-1] for the lowest order statistics (the upper half mirrors them with opposite sign).
  const int half = n / 2;
  std::vector<double> a(half);
  if (n == 3) {
    a[0] = std::sqrt(0.5);
  } else {
    std::vector<double> m(half);
    double sum_m2 = 0;
    for (int i = 0; i < half; ++i) {
      m[i] = NormalQuantile((i + 1 - 0.375) / (n + 0.25));
      sum_m2 += m[i] * m[i];
    }
    sum_m2 *= 2;
    const double root_sum_m2 = std::sqrt(sum_m2);
    const double rsn = 1 / std::sqrt(static_cast<double>(n));
    const double a1 = Polynomial(kC1, rsn) - m[0] / root_sum_m2;
    int first_scaled;
    double scale;
    if (n > 5) {
      first_scaled = 2;
      const double a2 = -m[1] / root_sum_m2 + Polynomial(kC2, rsn);
      scale = std::sqrt((sum_m2 - 2 * m[0] * m[0] - 2 * m[1] * m[1]) / (1 - 2 * a1 * a1 - 2 * a2 * a2));
      a[1] = a2;
    } else {
      first_scaled = 1;
      scale = std::sqrt((sum_m2 - 2 * m[0] * m[0]) / (1 - 2 * a1 * a1));
    }
    a[0] = a1;
    for (int i = first_scaled; i < half; ++i) a[i] = -m[i] / scale;
  }

  // W is the squared correlation between the sorted data and the full antisymmetric coefficient vector;
  // 1 - W is formed directly so that W near 1 keeps its precision.
  auto coefficient = [&](int i) {
    int j = n - 1 - i;
    if (i == j) return 0.0;
    return i < j ? -a[i] : a[j];
  };
  double mean_a = 0, mean_x = 0;
  for (int i = 0; i < n; ++i) {
    mean_a += coefficient(i);
    mean_x += x[i] / range;
  }
  mean_a /= n;
  mean_x /= n;
  double ssa = 0, ssx = 0, sax = 0;
  for (int i = 0; i < n; ++i) {
    double da = coefficient(i) - mean_a;
    double dx = x[i] / range - mean_x;
    ssa += da * da;
    ssx += dx * dx;
    sax += da * dx;
  }
  const double root = std::sqrt(ssa * ssx);
  const double w1 = (root - sax) * (root + sax) / (ssa * ssx);
  ShapiroWilkResult result;
  result.n = n;
  result.w = 1 - w1;

  if (n == 3) {
    constexpr double kSixOverPi = 1.90985931710274;
    constexpr double kPiOverThree = 1.04719755119660;
    result.p = std::max(0.0, kSixOverPi * (std::asin(std::sqrt(result.w)) - kPiOverThree));
    return result;
  }
  double y = std::log(w1);
  const double log_n = std::log(static_cast<double>(n));
  double mean, sd;
  if (n <= 11) {
    const double gamma = Polynomial(kG, n);
    if (y >= gamma) {
      result.p = 1e-99;  // AS R94's value for a W far below anything a normal sample gives
      return result;
    }
    y = -std::log(gamma - y);
    mean = Polynomial(kC3, n);
    sd = std::exp(Polynomial(kC4, n));
  } else {
    mean = Polynomial(kC5, log_n);
    sd = std::exp(Polynomial(kC6, log_n));
  }
  result.p = NormalSurvival((y - mean) / sd);
  return result;
}

}  // namespace maestro::stats
