#include "stats/two_way_anova.h"

#include <cmath>
#include <limits>

#include "stats/distributions.h"

namespace maestro::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Which blocks of columns a sub-model holds. Columns use sum-to-zero coding, so the Type III comparisons
// (drop one block from the full model) test the hypotheses on unweighted marginal means.
struct Model {
  bool a = false, b = false, ab = false;
};

// Weighted least squares on cell means: the residual sum of squares of y about a model equals the
// within-cell SS plus sum_c n_c (mean_c - fit_c)^2, so only the cells enter the fit. Solved by Householder QR
// on the sqrt(n_c)-scaled rows; RETURNS the weighted residual sum of squares of the cell means.
double CellResidualSs(const std::vector<double>& counts, const std::vector<double>& means, int a_levels, int b_levels,
                      Model model) {
  const int cells = a_levels * b_levels;
  std::vector<std::vector<double>> columns;
  auto code = [](int level, int column, int levels) {
    if (level == column) return 1.0;
    return level == levels - 1 ? -1.0 : 0.0;
  };
  columns.emplace_back(cells, 1.0);
  std::vector<std::vector<double>> a_columns, b_columns;
  for (int j = 0; j + 1 < a_levels; ++j) {
    std::vector<double> column(cells);
    for (int c = 0; c < cells; ++c) column[c] = code(c / b_levels, j, a_levels);
    a_columns.push_back(std::move(column));
  }
  for (int j = 0; j + 1 < b_levels; ++j) {
    std::vector<double> column(cells);
    for (int c = 0; c < cells; ++c) column[c] = code(c % b_levels, j, b_levels);
    b_columns.push_back(std::move(column));
  }
  if (model.a) columns.insert(columns.end(), a_columns.begin(), a_columns.end());
  if (model.b) columns.insert(columns.end(), b_columns.begin(), b_columns.end());
  if (model.ab) {
    for (const auto& x : a_columns) {
      for (const auto& z : b_columns) {
        std::vector<double> column(cells);
        for (int c = 0; c < cells; ++c) column[c] = x[c] * z[c];
        columns.push_back(std::move(column));
      }
    }
  }
  std::vector<double> rhs(cells);
  for (int c = 0; c < cells; ++c) {
    const double root = std::sqrt(counts[c]);
    rhs[c] = root * means[c];
    for (auto& column : columns) column[c] *= root;
  }
  // Householder QR, column by column; Q' is applied to the remaining columns and the right-hand side.
  const int p = static_cast<int>(columns.size());
  for (int j = 0; j < p; ++j) {
    auto& v = columns[j];
    double norm = 0;
    for (int i = j; i < cells; ++i) norm += v[i] * v[i];
    norm = std::sqrt(norm);
    if (norm == 0) continue;
    const double alpha = v[j] > 0 ? -norm : norm;
    v[j] -= alpha;
    double vv = 0;
    for (int i = j; i < cells; ++i) vv += v[i] * v[i];
    auto reflect = [&](std::vector<double>& x) {
      double dot = 0;
      for (int i = j; i < cells; ++i) dot += v[i] * x[i];
      const double scale = 2 * dot / vv;
      for (int i = j; i < cells; ++i) x[i] -= scale * v[i];
    };
    for (int other = j + 1; other < p; ++other) reflect(columns[other]);
    reflect(rhs);
  }
  double residual = 0;
  for (int i = p; i < cells; ++i) residual += rhs[i] * rhs[i];
  return residual;
}

}  // namespace

Result<TwoWayAnovaResult> TwoWayAnova(const std::vector<double>& y, const std::vector<int>& a, int a_levels,
                                      const std::vector<int>& b, int b_levels, SumOfSquaresType type,
                                      const std::string& a_name, const std::string& b_name) {
  const int cells = a_levels * b_levels;
  if (a_levels < 2 || b_levels < 2) return InvalidArgument("two-way ANOVA needs at least two levels of each factor");
  if (cells > 4096) return InvalidArgument("two-way ANOVA supports at most 4096 cells");
  std::vector<double> counts(cells, 0.0), sums(cells, 0.0);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const int c = a[i] * b_levels + b[i];
    counts[c] += 1;
    sums[c] += y[i];
  }
  for (int c = 0; c < cells; ++c) {
    if (counts[c] == 0) return InvalidArgument("two-way ANOVA needs every scenario x protocol cell to have data");
  }
  const double n = static_cast<double>(y.size());
  const double df_residual = n - cells;
  if (df_residual < 1) return InvalidArgument("two-way ANOVA needs more observations than cells");

  double grand = 0;
  for (double v : y) grand += v;
  grand /= n;
  std::vector<double> means(cells);
  for (int c = 0; c < cells; ++c) means[c] = sums[c] / counts[c];
  // Second pass: exact cell means, then within-cell SS and residuals about them.
  std::vector<double> corrections(cells, 0.0);
  for (std::size_t i = 0; i < y.size(); ++i)
    corrections[a[i] * b_levels + b[i]] += y[i] - means[a[i] * b_levels + b[i]];
  for (int c = 0; c < cells; ++c) means[c] += corrections[c] / counts[c];
  TwoWayAnovaResult result;
  result.residuals.resize(y.size());
  double ss_residual = 0, ss_total = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double r = y[i] - means[a[i] * b_levels + b[i]];
    result.residuals[i] = r;
    ss_residual += r * r;
    ss_total += (y[i] - grand) * (y[i] - grand);
  }
  std::vector<double> centered(cells);
  for (int c = 0; c < cells; ++c) centered[c] = means[c] - grand;
  auto rss = [&](Model m) { return CellResidualSs(counts, centered, a_levels, b_levels, m); };

  const double additive = rss({true, true, false});
  double ss_a, ss_b;
  if (type == SumOfSquaresType::kTypeII) {
    ss_a = rss({false, true, false}) - additive;
    ss_b = rss({true, false, false}) - additive;
  } else {
    ss_a = rss({false, true, true});
    ss_b = rss({true, false, true});
  }
  const double ss_ab = additive;  // the full model fits every cell mean exactly
  const double ms_residual = ss_residual / df_residual;

  auto effect = [&](const std::string& name, double ss, double df) {
    AnovaRow row;
    row.effect = name;
    row.ss = std::max(ss, 0.0);
    row.df = df;
    row.ms = row.ss / df;
    // Zero residual spread would give F = inf: undefined, reported as not testable.
    row.f = ms_residual > 0 ? row.ms / ms_residual : std::numeric_limits<double>::quiet_NaN();
    row.p = FSurvival(row.f, df, df_residual);
    row.eta_sq = row.ss / ss_total;
    row.partial_eta_sq = row.ss / (row.ss + ss_residual);
    row.omega_sq = (row.ss - df * ms_residual) / (ss_total + ms_residual);
    row.partial_omega_sq = (row.ss - df * ms_residual) / (row.ss + (n - df) * ms_residual);
    return row;
  };
  result.rows.push_back(effect(a_name, ss_a, a_levels - 1));
  result.rows.push_back(effect(b_name, ss_b, b_levels - 1));
  result.rows.push_back(effect(a_name + ":" + b_name, ss_ab, (a_levels - 1.0) * (b_levels - 1.0)));
  AnovaRow residual;
  residual.effect = "residual";
  residual.ss = ss_residual;
  residual.df = df_residual;
  residual.ms = ms_residual;
  residual.f = residual.p = residual.eta_sq = residual.partial_eta_sq = residual.omega_sq = kNaN;
  residual.partial_omega_sq = kNaN;
  result.rows.push_back(residual);
  result.ss_total = ss_total;
  return result;
}

}  // namespace maestro::stats
