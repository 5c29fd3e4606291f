#include "stats/analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_map>

#include "stats/distributions.h"
#include "stats/number_format.h"
#include "stats/summary.h"

namespace maestro::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Number(double value, int significant = 3) {
  return FormatSignificant(value, significant);
}

// Level indices in order of first appearance.
struct Levels {
  std::vector<std::string> names;
  std::vector<int> index;  // per row
};

Levels IndexLevels(const std::vector<std::string>& column) {
  Levels levels;
  std::unordered_map<std::string, int> seen;
  levels.index.reserve(column.size());
  for (const auto& value : column) {
    auto [it, inserted] = seen.emplace(value, static_cast<int>(levels.names.size()));
    if (inserted) levels.names.push_back(value);
    levels.index.push_back(it->second);
  }
  return levels;
}

bool DefaultHigherIsBetter(const std::string& metric) {
  for (const char* word : {"throughput", "rps", "per_s", "req_s"}) {
    if (metric.find(word) != std::string::npos) return true;
  }
  return false;
}

CellSummary Summarize(const std::string& scenario, const std::string& protocol, const std::vector<double>& values) {
  CellSummary cell;
  cell.scenario = scenario;
  cell.protocol = protocol;
  cell.n = static_cast<int>(values.size());
  if (values.empty()) {
    cell.mean = cell.sd = cell.median = cell.p90 = cell.min = cell.max = cell.ci_low = cell.ci_high = kNaN;
    return cell;
  }
  std::vector<double> sorted = Sorted(values);
  cell.mean = Mean(values);
  cell.sd = values.size() > 1 ? std::sqrt(SumOfSquaredDeviations(values, cell.mean) / (cell.n - 1)) : kNaN;
  cell.median = Quantile(sorted, 0.5);
  cell.p90 = Quantile(sorted, 0.9);
  cell.min = sorted.front();
  cell.max = sorted.back();
  if (values.size() > 1) {
    const double half_width = StudentTQuantile(0.975, cell.n - 1) * cell.sd / std::sqrt(static_cast<double>(cell.n));
    cell.ci_low = cell.mean - half_width;
    cell.ci_high = cell.mean + half_width;
  } else {
    cell.ci_low = cell.ci_high = kNaN;
  }
  return cell;
}

Check FromP(double p, double alpha) {
  if (std::isnan(p)) return Check::kNotTested;
  return p < alpha ? Check::kFailed : Check::kPassed;
}

const char* TestLabel(const std::string& test) {
  if (test == "welch") return "Welch's ANOVA";
  if (test == "kruskal_wallis") return "Kruskal-Wallis";
  return "one-way ANOVA";
}

void DecideScenario(ScenarioAnalysis& s, const MetricAnalysis& metric, double alpha) {
  const auto& cells = metric.descriptives;
  double sd_min = std::numeric_limits<double>::infinity(), sd_max = 0;
  for (const auto& c : cells) {
    if (c.scenario != s.scenario || std::isnan(c.sd)) continue;
    sd_min = std::min(sd_min, c.sd);
    sd_max = std::max(sd_max, c.sd);
  }
  s.normality = s.shapiro.n > 0 ? FromP(s.shapiro.p, alpha) : Check::kNotTested;
  s.equal_variance = FromP(s.levene.p, alpha);
  if (s.normality == Check::kFailed) {
    s.trusted_test = "kruskal_wallis";
    s.trusted_p = s.kruskal_wallis.p;
    s.assumption_notes.push_back("Residuals are not normal (Shapiro-Wilk W = " + Number(s.shapiro.w, 4) +
                                 ", p = " + FormatP(s.shapiro.p) +
                                 "), so the rank-based Kruskal-Wallis test is the one to trust.");
  } else if (s.equal_variance == Check::kFailed) {
    s.trusted_test = "welch";
    s.trusted_p = s.welch.p;
  } else {
    s.trusted_test = "anova";
    s.trusted_p = s.anova.p;
  }
  if (s.equal_variance == Check::kFailed) {
    s.trusted_posthoc = "games_howell";
    s.assumption_notes.push_back("Variances differ between protocols (Brown-Forsythe/Levene W = " + Number(s.levene.w) +
                                 ", p = " + FormatP(s.levene.p) + "; largest/smallest SD " + Number(sd_max / sd_min) +
                                 "x), so " + (s.trusted_test == "welch" ? "Welch's ANOVA" : "the omnibus test above") +
                                 " and Games-Howell pairs are the ones to trust; the classic ANOVA and Tukey "
                                 "assume equal variances.");
  } else {
    s.trusted_posthoc = s.normality == Check::kFailed ? "games_howell" : "tukey";
  }
  if (s.normality == Check::kNotTested && !s.shapiro_note.empty()) s.assumption_notes.push_back(s.shapiro_note);
  if (s.normality == Check::kPassed && s.equal_variance == Check::kPassed) {
    s.assumption_notes.push_back("Residuals look normal (Shapiro-Wilk p = " + FormatP(s.shapiro.p) +
                                 ") and variances look equal (Levene p = " + FormatP(s.levene.p) +
                                 "): the classic ANOVA and Tukey HSD apply.");
  }
  if (std::isnan(s.trusted_p)) {
    // A degenerate group (one run, zero variance) leaves only the tests that are still defined.
    for (auto [name, p] :
         {std::pair{"kruskal_wallis", s.kruskal_wallis.p}, {"welch", s.welch.p}, {"anova", s.anova.p}}) {
      if (!std::isnan(p)) {
        s.assumption_notes.push_back(std::string(TestLabel(s.trusted_test)) +
                                     " is undefined here (a protocol has "
                                     "too few runs or no spread); using " +
                                     TestLabel(name) + " instead.");
        s.trusted_test = name;
        s.trusted_p = p;
        break;
      }
    }
  }
  s.protocol_matters = s.trusted_p < alpha;
  if (std::isnan(s.trusted_p)) {
    s.trusted_test.clear();
    s.trusted_posthoc.clear();
    s.verdict = "Cannot test whether protocol matters for " + metric.metric + " in " + s.scenario +
                ": every test is undefined here (the values do not vary, or protocols have too few runs).";
    return;
  }

  // Best protocol and deltas in this scenario.
  std::string means;
  for (const auto& c : cells) {
    if (c.scenario != s.scenario || c.n == 0) continue;
    if (c.best) s.best_protocol = c.protocol;
  }
  for (const auto& c : cells) {
    if (c.scenario != s.scenario || c.n == 0 || c.best) continue;
    if (!means.empty()) means += ", ";
    means += c.protocol + " " + (c.delta_pct >= 0 ? "+" : "") + Number(c.delta_pct) + "%";
  }
  double best_mean = kNaN;
  for (const auto& c : cells) {
    if (c.scenario == s.scenario && c.best) best_mean = c.mean;
  }

  std::string statistic;
  if (s.trusted_test == "kruskal_wallis") {
    statistic = "Kruskal-Wallis H(" + Number(s.kruskal_wallis.df) + ") = " + Number(s.kruskal_wallis.h);
  } else if (s.trusted_test == "welch") {
    statistic = "Welch F(" + Number(s.welch.df1) + ", " + Number(s.welch.df2) + ") = " + Number(s.welch.f);
  } else {
    statistic = "F(" + Number(s.anova.df_between) + ", " + Number(s.anova.df_within) + ") = " + Number(s.anova.f);
  }
  const std::string effect = "omega^2 = " + Number(s.anova.omega_sq) + " (" + EffectSizeWord(s.anova.omega_sq) +
                             "), eta^2 = " + Number(s.anova.eta_sq);
  const std::string direction = metric.higher_is_better ? "highest" : "lowest";
  if (s.protocol_matters) {
    s.verdict = "Protocol matters for " + metric.metric + " in " + s.scenario + ": " + statistic +
                ", p = " + FormatP(s.trusted_p) + "; " + effect + ". " + s.best_protocol + " has the " + direction +
                " mean (" + Number(best_mean, 4) + ")" + (means.empty() ? "" : "; " + means) + ".";
    const auto& pairs = s.trusted_posthoc == "tukey" ? s.tukey : s.games_howell;
    std::string differ, same;
    std::string untestable;
    for (const auto& pair : pairs) {
      if (std::isnan(pair.p)) {
        untestable += (untestable.empty() ? "" : ", ") + pair.a + " vs " + pair.b;
        continue;
      }
      std::string text = pair.a + " vs " + pair.b + " (p = " + FormatP(pair.p) + ")";
      std::string& target = pair.p < alpha ? differ : same;
      target += (target.empty() ? "" : ", ") + text;
    }
    const char* posthoc = s.trusted_posthoc == "tukey" ? "Tukey HSD" : "Games-Howell";
    if (!differ.empty()) s.verdict += std::string(" ") + posthoc + " finds differences for " + differ + ".";
    if (!same.empty()) s.verdict += " No evidence of a difference for " + same + ".";
    if (!untestable.empty()) s.verdict += " Not testable pairwise (no spread within protocols): " + untestable + ".";
  } else {
    s.verdict = "No evidence that protocol matters for " + metric.metric + " in " + s.scenario + ": " + statistic +
                ", p = " + FormatP(s.trusted_p) + "; " + effect + "." +
                (means.empty() ? "" : " Means relative to " + s.best_protocol + ": " + means + ".");
  }
}

}  // namespace

const char* TransformName(Transform transform) {
  switch (transform) {
    case Transform::kLn:
      return "ln";
    case Transform::kLog10:
      return "log10";
    case Transform::kNone:
      break;
  }
  return "none";
}

Result<Transform> ParseTransform(const std::string& name) {
  if (name == "none") return Transform::kNone;
  if (name == "ln" || name == "log") return Transform::kLn;
  if (name == "log10") return Transform::kLog10;
  return InvalidArgument("unknown transform '" + name + "' (use none, ln or log10)");
}

const char* CheckName(Check check) {
  switch (check) {
    case Check::kPassed:
      return "passed";
    case Check::kFailed:
      return "failed";
    case Check::kNotTested:
      break;
  }
  return "not_tested";
}

std::string FormatP(double p) {
  if (std::isnan(p)) return "n/a";
  char buffer[32];
  if (p == 0) return "0";  // only for an infinite statistic: no spread within groups
  if (p < 1e-4) {
    std::snprintf(buffer, sizeof buffer, "%.2e", p);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g", p);
  }
  return buffer;
}

const char* EffectSizeWord(double omega_sq) {
  if (std::isnan(omega_sq)) return "n/a";
  if (omega_sq < 0.01) return "negligible";
  if (omega_sq < 0.06) return "small";
  if (omega_sq < 0.14) return "medium";
  return "large";
}

Result<AnalysisResult> Analyze(const Table& table, const AnalysisOptions& options) {
  const int scenario_column = table.FindFactor(options.scenario_column);
  const int protocol_column = table.FindFactor(options.protocol_column);
  if (scenario_column < 0) return InvalidArgument("no factor column '" + options.scenario_column + "' in the table");
  if (protocol_column < 0) return InvalidArgument("no factor column '" + options.protocol_column + "' in the table");
  if (!(options.alpha > 0 && options.alpha < 1)) return InvalidArgument("alpha must be between 0 and 1");
  for (const auto& [metric, transform] : options.transforms) {
    if (table.FindMetric(metric) < 0) return InvalidArgument("--transform names unknown metric '" + metric + "'");
  }

  AnalysisResult result;
  result.scenario_factor = options.scenario_column;
  result.protocol_factor = options.protocol_column;
  result.ss_type = options.ss_type;
  result.alpha = options.alpha;
  result.rows = static_cast<int>(table.row_count);
  result.ignored_columns = table.ignored_columns;
  const Levels scenarios = IndexLevels(table.factor_values[scenario_column]);
  const Levels protocols = IndexLevels(table.factor_values[protocol_column]);
  result.scenarios = scenarios.names;
  result.protocols = protocols.names;
  if (protocols.names.size() < 2) return InvalidArgument("need at least two protocols to compare");

  std::vector<std::string> metric_names = options.metrics.empty() ? table.metric_names : options.metrics;
  if (metric_names.empty()) return InvalidArgument("the table has no numeric metric columns");
  const int a_levels = static_cast<int>(scenarios.names.size());
  const int b_levels = static_cast<int>(protocols.names.size());

  for (const auto& name : metric_names) {
    const int column = table.FindMetric(name);
    if (column < 0) return InvalidArgument("no numeric metric column '" + name + "' in the table");
    MetricAnalysis metric;
    metric.metric = name;
    auto transform_it = options.transforms.find(name);
    metric.transform = transform_it == options.transforms.end() ? Transform::kNone : transform_it->second;
    metric.higher_is_better = options.higher_is_better.empty()
                                  ? DefaultHigherIsBetter(name)
                                  : std::find(options.higher_is_better.begin(), options.higher_is_better.end(), name) !=
                                        options.higher_is_better.end();

    // Observations with a value, grouped by cell; y holds the transformed values.
    const auto& raw = table.metric_values[column];
    std::vector<double> y;
    std::vector<int> a, b;
    std::vector<std::vector<double>> cell_raw(a_levels * b_levels), cell_y(a_levels * b_levels);
    for (std::size_t row = 0; row < raw.size(); ++row) {
      double value = raw[row];
      if (std::isnan(value)) continue;
      double transformed = value;
      if (metric.transform != Transform::kNone) {
        if (!(value > 0)) {
          return InvalidArgument("metric '" + name + "' has the value " + Number(value) + " at data row " +
                                 std::to_string(row + 1) + "; the " + TransformName(metric.transform) +
                                 " transform needs values > 0");
        }
        transformed = metric.transform == Transform::kLn ? std::log(value) : std::log10(value);
      }
      const int cell = scenarios.index[row] * b_levels + protocols.index[row];
      y.push_back(transformed);
      a.push_back(scenarios.index[row]);
      b.push_back(protocols.index[row]);
      cell_raw[cell].push_back(value);
      cell_y[cell].push_back(transformed);
    }
    metric.n = static_cast<int>(y.size());

    // Descriptives with delta against the best protocol of each scenario.
    for (int s = 0; s < a_levels; ++s) {
      const std::size_t first = metric.descriptives.size();
      for (int p = 0; p < b_levels; ++p) {
        metric.descriptives.push_back(Summarize(scenarios.names[s], protocols.names[p], cell_raw[s * b_levels + p]));
      }
      CellSummary* best = nullptr;
      for (std::size_t i = first; i < metric.descriptives.size(); ++i) {
        auto& c = metric.descriptives[i];
        if (c.n == 0) continue;
        if (!best || (metric.higher_is_better ? c.mean > best->mean : c.mean < best->mean)) best = &c;
      }
      for (std::size_t i = first; i < metric.descriptives.size() && best; ++i) {
        auto& c = metric.descriptives[i];
        c.delta_pct = best->mean != 0 ? 100 * (c.mean / best->mean - 1) : kNaN;
      }
      if (best) {
        best->best = true;
        best->delta_pct = 0;
      }
    }

    // Two-way ANOVA and its assumption checks.
    auto two_way =
        TwoWayAnova(y, a, a_levels, b, b_levels, options.ss_type, options.scenario_column, options.protocol_column);
    if (two_way.ok()) {
      metric.anova_ok = true;
      metric.anova = two_way->rows;
      if (two_way->residuals.size() <= 5000) {
        auto sw = ShapiroWilk(two_way->residuals);
        if (sw.ok()) metric.anova_shapiro = *sw;
      } else {
        metric.anova_notes.push_back("Shapiro-Wilk not run: " + std::to_string(two_way->residuals.size()) +
                                     " residuals exceed its 5000 limit; with this many runs the F tests are robust "
                                     "to non-normal residuals.");
      }
      std::vector<Group> cells;
      for (int c = 0; c < a_levels * b_levels; ++c) cells.push_back({"", cell_y[c]});
      metric.anova_levene = BrownForsythe(cells);
      metric.anova_normality =
          metric.anova_shapiro.n > 0 ? FromP(metric.anova_shapiro.p, options.alpha) : Check::kNotTested;
      metric.anova_equal_variance = FromP(metric.anova_levene.p, options.alpha);
      std::string failed;
      if (metric.anova_normality == Check::kFailed) {
        failed = "the residuals are not normal (Shapiro-Wilk p = " + FormatP(metric.anova_shapiro.p) + ")";
      }
      if (metric.anova_equal_variance == Check::kFailed) {
        failed += std::string(failed.empty() ? "" : " and ") +
                  "the cell variances differ (Levene p = " + FormatP(metric.anova_levene.p) + ")";
      }
      if (!failed.empty()) {
        metric.anova_notes.push_back("The two-way ANOVA assumes normal residuals with equal variances, but " + failed +
                                     ". Its F tests are approximate: rely on the per-scenario verdicts, which use "
                                     "tests that do not need the failed assumption.");
        if (metric.transform == Transform::kNone) {
          bool positive = std::all_of(y.begin(), y.end(), [](double v) { return v > 0; });
          if (positive) {
            metric.anova_notes.push_back(
                "Positive, skewed metrics such as latency often behave better on the log "
                "scale: try --transform " +
                name + "=ln.");
          }
        }
      } else if (metric.anova_normality == Check::kPassed && metric.anova_equal_variance == Check::kPassed) {
        metric.anova_notes.push_back("Residuals look normal and cell variances look equal: the F tests apply.");
      }
    } else {
      metric.anova_error = two_way.status().message();
    }

    // Per scenario, across protocols.
    for (int s = 0; s < a_levels; ++s) {
      ScenarioAnalysis scenario;
      scenario.scenario = scenarios.names[s];
      std::vector<Group> groups;
      for (int p = 0; p < b_levels; ++p) {
        if (cell_y[s * b_levels + p].empty()) continue;
        groups.push_back({protocols.names[p], cell_y[s * b_levels + p]});
        scenario.protocols.push_back(protocols.names[p]);
      }
      if (groups.size() < 2) {
        scenario.verdict =
            "Only one protocol has data for " + name + " in " + scenario.scenario + "; nothing to compare.";
        scenario.trusted_p = kNaN;
        metric.per_scenario.push_back(std::move(scenario));
        continue;
      }
      scenario.anova = OneWayAnova(groups);
      scenario.welch = WelchAnova(groups);
      scenario.kruskal_wallis = KruskalWallis(groups);
      scenario.levene = BrownForsythe(groups);
      scenario.tukey = TukeyHsd(groups, options.alpha);
      scenario.games_howell = GamesHowell(groups);
      std::vector<double> residuals;
      for (const auto& g : groups) {
        const double mean = Mean(g.values);
        for (double v : g.values) residuals.push_back(v - mean);
      }
      if (residuals.size() > 5000) {
        scenario.shapiro_note = "Normality not tested: " + std::to_string(residuals.size()) +
                                " residuals exceed Shapiro-Wilk's 5000 limit (with this many runs the tests are "
                                "robust to non-normality).";
      } else if (auto sw = ShapiroWilk(residuals); sw.ok()) {
        scenario.shapiro = *sw;
      } else {
        scenario.shapiro_note = "Normality not tested: " + sw.status().message() + ".";
      }
      DecideScenario(scenario, metric, options.alpha);
      metric.per_scenario.push_back(std::move(scenario));
    }
    std::string matters, no_evidence;
    int compared = 0, significant = 0;
    for (const auto& s : metric.per_scenario) {
      if (s.protocols.size() < 2 || std::isnan(s.trusted_p)) continue;
      ++compared;
      std::string& list = s.protocol_matters ? matters : no_evidence;
      list += (list.empty() ? "" : ", ") + s.scenario;
      significant += s.protocol_matters ? 1 : 0;
    }
    if (compared == 0) {
      metric.summary = "Protocol could not be tested for " + name + " in any scenario (see the per-scenario notes).";
    } else if (significant == 0) {
      metric.summary = "No evidence that protocol matters for " + name + " in any scenario.";
    } else if (significant == compared) {
      metric.summary = "Protocol matters for " + name + " in all " + std::to_string(compared) + " scenarios.";
    } else {
      metric.summary = "Protocol matters for " + name + " in " + std::to_string(significant) + " of " +
                       std::to_string(compared) + " scenarios (" + matters + "); no evidence in " + no_evidence + ".";
    }
    result.metrics.push_back(std::move(metric));
  }
  return result;
}

}  // namespace maestro::stats
