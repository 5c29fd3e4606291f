#include "stats/one_way.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "stats/distributions.h"
#include "stats/summary.h"

namespace maestro::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Moments {
  double n = 0, mean = 0, variance = 0;
};

Moments GroupMoments(const std::vector<double>& values) {
  Moments m;
  m.n = static_cast<double>(values.size());
  if (values.empty()) return m;
  m.mean = Mean(values);
  m.variance = values.size() > 1 ? SumOfSquaredDeviations(values, m.mean) / (m.n - 1) : kNaN;
  return m;
}

}  // namespace

OneWayAnovaResult OneWayAnova(const std::vector<Group>& groups) {
  OneWayAnovaResult r;
  double n_total = 0, grand_sum = 0;
  for (const auto& g : groups) {
    n_total += static_cast<double>(g.values.size());
    grand_sum += std::accumulate(g.values.begin(), g.values.end(), 0.0);
  }
  const double k = static_cast<double>(groups.size());
  const double grand_mean = grand_sum / n_total;
  for (const auto& g : groups) {
    if (g.values.empty()) continue;
    double mean = Mean(g.values);
    r.ss_between += static_cast<double>(g.values.size()) * (mean - grand_mean) * (mean - grand_mean);
    r.ss_within += SumOfSquaredDeviations(g.values, mean);
  }
  r.ss_total = r.ss_between + r.ss_within;
  r.df_between = k - 1;
  r.df_within = n_total - k;
  // No spread within groups leaves nothing to test against: the statistic is undefined, not infinite.
  if (!(r.df_within > 0) || !(r.df_between > 0) || !(r.ss_within > 0)) {
    r.f = r.p = r.eta_sq = r.omega_sq = kNaN;
    return r;
  }
  const double ms_within = r.ss_within / r.df_within;
  r.f = (r.ss_between / r.df_between) / ms_within;
  r.p = FSurvival(r.f, r.df_between, r.df_within);
  r.eta_sq = r.ss_between / r.ss_total;
  r.omega_sq = (r.ss_between - r.df_between * ms_within) / (r.ss_total + ms_within);
  return r;
}

WelchResult WelchAnova(const std::vector<Group>& groups) {
  WelchResult r;
  const double k = static_cast<double>(groups.size());
  std::vector<Moments> moments;
  double weight_sum = 0, weighted_mean = 0;
  for (const auto& g : groups) {
    Moments m = GroupMoments(g.values);
    if (m.n < 2 || !(m.variance > 0)) return {kNaN, kNaN, kNaN, kNaN};
    moments.push_back(m);
    weight_sum += m.n / m.variance;
    weighted_mean += m.n / m.variance * m.mean;
  }
  weighted_mean /= weight_sum;
  double between = 0, lambda = 0;
  for (const auto& m : moments) {
    double w = m.n / m.variance;
    between += w * (m.mean - weighted_mean) * (m.mean - weighted_mean);
    lambda += (1 - w / weight_sum) * (1 - w / weight_sum) / (m.n - 1);
  }
  r.df1 = k - 1;
  r.f = (between / r.df1) / (1 + 2 * (k - 2) * lambda / (k * k - 1));
  r.df2 = (k * k - 1) / (3 * lambda);
  r.p = FSurvival(r.f, r.df1, r.df2);
  return r;
}

KruskalWallisResult KruskalWallis(const std::vector<Group>& groups) {
  KruskalWallisResult r;
  std::vector<std::pair<double, int>> all;
  for (int g = 0; g < static_cast<int>(groups.size()); ++g) {
    for (double v : groups[g].values) all.emplace_back(v, g);
  }
  const double n = static_cast<double>(all.size());
  std::sort(all.begin(), all.end());
  std::vector<double> rank_sums(groups.size(), 0.0);
  double tie_sum = 0;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double average_rank = (static_cast<double>(i + j) + 1) / 2;  // ranks i+1..j
    const double ties = static_cast<double>(j - i);
    tie_sum += ties * ties * ties - ties;
    for (std::size_t t = i; t < j; ++t) rank_sums[all[t].second] += average_rank;
    i = j;
  }
  double h = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!groups[g].values.empty()) h += rank_sums[g] * rank_sums[g] / static_cast<double>(groups[g].values.size());
  }
  h = 12 / (n * (n + 1)) * h - 3 * (n + 1);
  r.tie_correction = 1 - tie_sum / (n * n * n - n);
  r.df = static_cast<double>(groups.size()) - 1;
  if (!(r.tie_correction > 0) || n < 2) return {kNaN, r.df, kNaN, r.tie_correction};
  r.h = h / r.tie_correction;
  r.p = ChiSquaredSurvival(r.h, r.df);
  return r;
}

LeveneResult BrownForsythe(const std::vector<Group>& groups) {
  std::vector<Group> deviations;
  deviations.reserve(groups.size());
  for (const auto& g : groups) {
    Group d{g.name, {}};
    if (!g.values.empty()) {
      double median = Quantile(Sorted(g.values), 0.5);
      for (double v : g.values) d.values.push_back(std::fabs(v - median));
    }
    deviations.push_back(std::move(d));
  }
  OneWayAnovaResult anova = OneWayAnova(deviations);
  return {anova.f, anova.df_between, anova.df_within, anova.p};
}

std::vector<PairwiseResult> TukeyHsd(const std::vector<Group>& groups, double alpha) {
  std::vector<PairwiseResult> pairs;
  const double k = static_cast<double>(groups.size());
  double n_total = 0, ss_within = 0;
  std::vector<Moments> moments;
  for (const auto& g : groups) {
    moments.push_back(GroupMoments(g.values));
    n_total += moments.back().n;
    if (!g.values.empty()) ss_within += SumOfSquaredDeviations(g.values, moments.back().mean);
  }
  const double df = n_total - k;
  const double ms_within = df > 0 ? ss_within / df : kNaN;
  const double critical = df > 0 ? StudentizedRangeQuantile(1 - alpha, k, df) : kNaN;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    for (std::size_t j = i + 1; j < groups.size(); ++j) {
      PairwiseResult r;
      r.a = groups[i].name;
      r.b = groups[j].name;
      r.diff = moments[i].mean - moments[j].mean;
      r.se = std::sqrt(ms_within / 2 * (1 / moments[i].n + 1 / moments[j].n));
      r.df = df;
      r.q = std::fabs(r.diff) / r.se;
      r.p = r.se > 0 ? StudentizedRangeSurvival(r.q, k, df) : kNaN;
      r.ci_low = r.diff - critical * r.se;
      r.ci_high = r.diff + critical * r.se;
      pairs.push_back(r);
    }
  }
  return pairs;
}

std::vector<PairwiseResult> GamesHowell(const std::vector<Group>& groups) {
  std::vector<PairwiseResult> pairs;
  const double k = static_cast<double>(groups.size());
  std::vector<Moments> moments;
  for (const auto& g : groups) moments.push_back(GroupMoments(g.values));
  for (std::size_t i = 0; i < groups.size(); ++i) {
    for (std::size_t j = i + 1; j < groups.size(); ++j) {
      PairwiseResult r;
      r.a = groups[i].name;
      r.b = groups[j].name;
      const Moments& x = moments[i];
      const Moments& y = moments[j];
      r.diff = x.mean - y.mean;
      const double vx = x.variance / x.n, vy = y.variance / y.n;
      r.se = std::sqrt((vx + vy) / 2);
      r.df = (vx + vy) * (vx + vy) / (vx * vx / (x.n - 1) + vy * vy / (y.n - 1));
      r.q = std::fabs(r.diff) / r.se;
      r.p = r.se > 0 && r.df > 0 ? StudentizedRangeSurvival(r.q, k, r.df) : kNaN;
      r.ci_low = r.ci_high = kNaN;
      pairs.push_back(r);
    }
  }
  return pairs;
}

}  // namespace maestro::stats
