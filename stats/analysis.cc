#include "stats/analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_map>

#include "stats/distributions.h"
#include "stats/multiple_comparisons.h"
#include "stats/number_format.h"
#include "stats/summary.h"
#include "stats/verdicts.h"

namespace maestro::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kShapiroLimit = 5000;

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

// The two factors of the design; cell c = scenario * protocols + protocol.
struct Design {
  Levels scenarios, protocols;
  int a_levels = 0, b_levels = 0;
  int Cell(int s, int p) const { return s * b_levels + p; }
};

// One metric's observations with a value: y is on the analysis scale (transformed), raw on the original one.
struct MetricData {
  std::vector<double> y;
  std::vector<int> a, b;
  std::vector<std::vector<double>> cell_raw, cell_y;
};

bool Contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

bool DefaultHigherIsBetter(const std::string& metric) {
  for (const char* word : {"throughput", "rps", "per_s", "req_s"}) {
    if (metric.find(word) != std::string::npos) return true;
  }
  return false;
}

Status ValidateOptions(const Table& table, const AnalysisOptions& options) {
  if (table.FindFactor(options.scenario_column) < 0) {
    return InvalidArgument("no factor column '" + options.scenario_column + "' in the table");
  }
  if (table.FindFactor(options.protocol_column) < 0) {
    return InvalidArgument("no factor column '" + options.protocol_column + "' in the table");
  }
  if (!(options.alpha > 0 && options.alpha < 1)) return InvalidArgument("alpha must be between 0 and 1");
  if (!(options.equivalence_margin > 0 && options.equivalence_margin < 1)) {
    return InvalidArgument("the equivalence margin must be between 0 and 1 (0.05 is 5%)");
  }
  if (options.min_runs < 2) return InvalidArgument("min_runs must be at least 2");
  for (const auto& [metric, transform] : options.transforms) {
    if (table.FindMetric(metric) < 0) return InvalidArgument("--transform names unknown metric '" + metric + "'");
  }
  for (const auto* list : {&options.primary, &options.secondary}) {
    for (const auto& metric : *list) {
      if (table.FindMetric(metric) < 0) return InvalidArgument("declared outcome '" + metric + "' is not a metric");
    }
  }
  return Status::Ok();
}

MetricAnalysis NewMetric(const std::string& name, const AnalysisOptions& options) {
  MetricAnalysis metric;
  metric.metric = name;
  auto transform = options.transforms.find(name);
  metric.transform = transform == options.transforms.end() ? Transform::kNone : transform->second;
  metric.higher_is_better =
      options.higher_is_better.empty() ? DefaultHigherIsBetter(name) : Contains(options.higher_is_better, name);
  metric.tier = Contains(options.primary, name)     ? OutcomeTier::kPrimary
                : Contains(options.secondary, name) ? OutcomeTier::kSecondary
                                                    : OutcomeTier::kExploratory;
  return metric;
}

Result<MetricData> Collect(const std::vector<double>& raw, const Design& design, const MetricAnalysis& metric) {
  MetricData data;
  data.cell_raw.resize(design.a_levels * design.b_levels);
  data.cell_y.resize(design.a_levels * design.b_levels);
  for (std::size_t row = 0; row < raw.size(); ++row) {
    const double value = raw[row];
    if (std::isnan(value)) continue;
    double transformed = value;
    if (metric.transform != Transform::kNone) {
      if (!(value > 0)) {
        return InvalidArgument("metric '" + metric.metric + "' has the value " + Number(value) + " at data row " +
                               std::to_string(row + 1) + "; the " + TransformName(metric.transform) +
                               " transform needs values > 0");
      }
      transformed = metric.transform == Transform::kLn ? std::log(value) : std::log10(value);
    }
    const int cell = design.Cell(design.scenarios.index[row], design.protocols.index[row]);
    data.y.push_back(transformed);
    data.a.push_back(design.scenarios.index[row]);
    data.b.push_back(design.protocols.index[row]);
    data.cell_raw[cell].push_back(value);
    data.cell_y[cell].push_back(transformed);
  }
  return data;
}

CellSummary Summarize(const std::string& scenario, const std::string& protocol, const std::vector<double>& values) {
  CellSummary cell;
  cell.scenario = scenario;
  cell.protocol = protocol;
  cell.n = static_cast<int>(values.size());
  if (values.empty()) {
    cell.mean = cell.sd = cell.median = cell.p90 = cell.min = cell.max = cell.ci_low = cell.ci_high = kNaN;
    cell.cv_pct = kNaN;
    return cell;
  }
  std::vector<double> sorted = Sorted(values);
  cell.mean = Mean(values);
  cell.sd = values.size() > 1 ? std::sqrt(SumOfSquaredDeviations(values, cell.mean) / (cell.n - 1)) : kNaN;
  cell.cv_pct = cell.mean != 0 ? 100 * cell.sd / std::fabs(cell.mean) : kNaN;
  cell.median = Quantile(sorted, 0.5);
  cell.p90 = Quantile(sorted, 0.9);
  cell.min = sorted.front();
  cell.max = sorted.back();
  cell.ci_low = cell.ci_high = kNaN;
  if (values.size() > 1) {
    const double half_width = StudentTQuantile(0.975, cell.n - 1) * cell.sd / std::sqrt(static_cast<double>(cell.n));
    cell.ci_low = cell.mean - half_width;
    cell.ci_high = cell.mean + half_width;
  }
  return cell;
}

// Descriptives with delta against the best protocol of each scenario.
void AddDescriptives(MetricAnalysis& metric, const MetricData& data, const Design& design) {
  for (int s = 0; s < design.a_levels; ++s) {
    const std::size_t first = metric.descriptives.size();
    for (int p = 0; p < design.b_levels; ++p) {
      metric.descriptives.push_back(
          Summarize(design.scenarios.names[s], design.protocols.names[p], data.cell_raw[design.Cell(s, p)]));
    }
    CellSummary* best = nullptr;
    for (std::size_t i = first; i < metric.descriptives.size(); ++i) {
      auto& c = metric.descriptives[i];
      if (c.n == 0) continue;
      if (!best || (metric.higher_is_better ? c.mean > best->mean : c.mean < best->mean)) best = &c;
    }
    if (!best) continue;
    for (std::size_t i = first; i < metric.descriptives.size(); ++i) {
      auto& c = metric.descriptives[i];
      c.delta_pct = best->mean != 0 ? 100 * (c.mean / best->mean - 1) : kNaN;
    }
    best->best = true;
    best->delta_pct = 0;
  }
}

Check FromP(double p, double alpha) {
  if (std::isnan(p)) return Check::kNotTested;
  return p < alpha ? Check::kFailed : Check::kPassed;
}

// The smallest non-empty cell, or 0 when every cell is empty.
int SmallestCell(const std::vector<std::vector<double>>& cells) {
  int smallest = 0;
  for (const auto& cell : cells) {
    if (!cell.empty() && (smallest == 0 || static_cast<int>(cell.size()) < smallest)) {
      smallest = static_cast<int>(cell.size());
    }
  }
  return smallest;
}

void AddTwoWayNotes(MetricAnalysis& metric, const std::vector<double>& y) {
  std::string failed;
  if (metric.anova_normality == Check::kFailed) {
    failed = "the residuals are not normal (Shapiro-Wilk p = " + FormatP(metric.anova_shapiro.p) + ")";
  }
  if (metric.anova_equal_variance == Check::kFailed) {
    failed += std::string(failed.empty() ? "" : " and ") +
              "the cell variances differ (Levene p = " + FormatP(metric.anova_levene.p) + ")";
  }
  if (failed.empty()) {
    if (metric.anova_normality == Check::kPassed && metric.anova_equal_variance == Check::kPassed) {
      metric.anova_notes.push_back("Residuals look normal and cell variances look equal: the F tests apply.");
    }
    return;
  }
  metric.anova_notes.push_back("The two-way ANOVA assumes normal residuals with equal variances, but " + failed +
                               ". Its F tests are approximate: rely on the per-scenario verdicts, which use "
                               "tests that do not need the failed assumption.");
  const bool positive = std::all_of(y.begin(), y.end(), [](double v) { return v > 0; });
  if (metric.transform == Transform::kNone && positive) {
    metric.anova_notes.push_back(
        "Positive, skewed metrics such as latency often behave better on the log scale: try --transform " +
        metric.metric + "=ln.");
  }
}

// Two-way ANOVA (scenario x protocol) and its assumption checks; skipped with a reason on small cells.
void RunTwoWay(MetricAnalysis& metric, const MetricData& data, const Design& design, const AnalysisOptions& options) {
  const int smallest = SmallestCell(data.cell_y);
  if (smallest > 0 && smallest < options.min_runs) {
    metric.anova_error = "descriptives only: a cell has " + std::to_string(smallest) + " run" +
                         (smallest == 1 ? "" : "s") + ", and the tests need at least " +
                         std::to_string(options.min_runs) + " runs in every cell";
    return;
  }
  auto two_way = TwoWayAnova(data.y, data.a, design.a_levels, data.b, design.b_levels, options.ss_type,
                             options.scenario_column, options.protocol_column);
  if (!two_way.ok()) {
    metric.anova_error = two_way.status().message();
    return;
  }
  metric.anova_ok = true;
  metric.anova = two_way->rows;
  if (two_way->residuals.size() <= kShapiroLimit) {
    if (auto sw = ShapiroWilk(two_way->residuals); sw.ok()) metric.anova_shapiro = *sw;
  } else {
    metric.anova_notes.push_back("Shapiro-Wilk not run: " + std::to_string(two_way->residuals.size()) +
                                 " residuals exceed its 5000 limit; with this many runs the F tests are robust "
                                 "to non-normal residuals.");
  }
  std::vector<Group> cells;
  for (const auto& cell : data.cell_y) cells.push_back({"", cell});
  metric.anova_levene = BrownForsythe(cells);
  metric.anova_normality =
      metric.anova_shapiro.n > 0 ? FromP(metric.anova_shapiro.p, options.alpha) : Check::kNotTested;
  metric.anova_equal_variance = FromP(metric.anova_levene.p, options.alpha);
  AddTwoWayNotes(metric, data.y);
}

void TestNormality(ScenarioAnalysis& scenario, const std::vector<Group>& groups) {
  std::vector<double> residuals;
  for (const auto& g : groups) {
    const double mean = Mean(g.values);
    for (double v : g.values) residuals.push_back(v - mean);
  }
  if (residuals.size() > kShapiroLimit) {
    scenario.shapiro_note = "Normality not tested: " + std::to_string(residuals.size()) +
                            " residuals exceed Shapiro-Wilk's 5000 limit (with this many runs the tests are "
                            "robust to non-normality).";
  } else if (auto sw = ShapiroWilk(residuals); sw.ok()) {
    scenario.shapiro = *sw;
  } else {
    scenario.shapiro_note = "Normality not tested: " + sw.status().message() + ".";
  }
}

// Picks the omnibus test the assumption checks allow (see docs/analyze.md) and says why.
void ChooseTrustedTest(ScenarioAnalysis& s, double alpha, double sd_ratio) {
  s.normality = s.shapiro.n > 0 ? FromP(s.shapiro.p, alpha) : Check::kNotTested;
  s.equal_variance = FromP(s.levene.p, alpha);
  if (s.normality == Check::kFailed) {
    s.trusted_test = "kruskal_wallis";
    s.trusted_p = s.kruskal_wallis.p;
  } else if (s.equal_variance == Check::kFailed) {
    s.trusted_test = "welch";
    s.trusted_p = s.welch.p;
  } else {
    s.trusted_test = "anova";
    s.trusted_p = s.anova.p;
  }
  s.trusted_posthoc = s.equal_variance == Check::kFailed || s.normality == Check::kFailed ? "games_howell" : "tukey";
  if (std::isnan(s.trusted_p)) {
    // A degenerate group leaves only the tests that are still defined.
    for (auto [name, p] :
         {std::pair{"kruskal_wallis", s.kruskal_wallis.p}, {"welch", s.welch.p}, {"anova", s.anova.p}}) {
      if (std::isnan(p)) continue;
      s.assumption_notes.push_back(std::string(TestLabel(s.trusted_test)) +
                                   " is undefined here (a protocol has too few runs or no spread); using " +
                                   TestLabel(name) + " instead.");
      s.trusted_test = name;
      s.trusted_p = p;
      break;
    }
  }
  AddAssumptionNotes(s, sd_ratio);
  if (std::isnan(s.trusted_p)) {
    s.trusted_test.clear();
    s.trusted_posthoc.clear();
    s.not_testable = true;
  }
}

// The name of a protocol whose runs all gave one value, or empty.
std::string ConstantGroup(const std::vector<Group>& groups) {
  for (const auto& g : groups) {
    if (g.values.size() > 1 &&
        std::all_of(g.values.begin(), g.values.end(), [&g](double v) { return v == g.values.front(); })) {
      return g.name;
    }
  }
  return {};
}

ScenarioAnalysis TestScenario(const MetricData& data, const Design& design, int s, const AnalysisOptions& options) {
  ScenarioAnalysis scenario;
  scenario.scenario = design.scenarios.names[s];
  scenario.trusted_p = scenario.p_adjusted = kNaN;
  std::vector<Group> groups;
  int smallest = 0;
  for (int p = 0; p < design.b_levels; ++p) {
    const auto& values = data.cell_y[design.Cell(s, p)];
    if (values.empty()) continue;
    groups.push_back({design.protocols.names[p], values});
    scenario.protocols.push_back(design.protocols.names[p]);
    if (smallest == 0 || static_cast<int>(values.size()) < smallest) smallest = static_cast<int>(values.size());
  }
  if (groups.size() < 2) return scenario;
  if (smallest < options.min_runs) {
    scenario.descriptives_only = true;
    return scenario;
  }
  if (const std::string constant = ConstantGroup(groups); !constant.empty()) {
    scenario.not_testable = true;
    scenario.assumption_notes.push_back(constant +
                                        " gave the same value in every run: with no spread there is "
                                        "nothing to test a difference against.");
    return scenario;
  }
  scenario.anova = OneWayAnova(groups);
  scenario.welch = WelchAnova(groups);
  scenario.kruskal_wallis = KruskalWallis(groups);
  scenario.levene = BrownForsythe(groups);
  scenario.tukey = TukeyHsd(groups, options.alpha);
  scenario.games_howell = GamesHowell(groups);
  TestNormality(scenario, groups);
  double sd_min = std::numeric_limits<double>::infinity(), sd_max = 0;
  for (const auto& g : groups) {
    const double sd = std::sqrt(SumOfSquaredDeviations(g.values, Mean(g.values)) / (g.values.size() - 1.0));
    sd_min = std::min(sd_min, sd);
    sd_max = std::max(sd_max, sd);
  }
  ChooseTrustedTest(scenario, options.alpha, sd_max / sd_min);
  return scenario;
}

// Ratio of means (on ln) for every pair of protocols in every scenario; primary outcomes only.
void ComparePairs(MetricAnalysis& metric, const MetricData& data, const Design& design,
                  const AnalysisOptions& options) {
  for (int s = 0; s < design.a_levels; ++s) {
    const ScenarioAnalysis& tests = metric.per_scenario[s];
    for (int i = 0; i < design.b_levels; ++i) {
      for (int j = i + 1; j < design.b_levels; ++j) {
        const auto& a = data.cell_raw[design.Cell(s, i)];
        const auto& b = data.cell_raw[design.Cell(s, j)];
        if (a.empty() || b.empty()) continue;
        PairComparison pair;
        pair.scenario = design.scenarios.names[s];
        pair.a = design.protocols.names[i];
        pair.b = design.protocols.names[j];
        pair.runs = static_cast<int>(std::min(a.size(), b.size()));
        pair.p_difference_adjusted = pair.p_equivalence_adjusted = kNaN;
        const auto positive = [](const std::vector<double>& v) {
          return std::all_of(v.begin(), v.end(), [](double x) { return x > 0; });
        };
        auto& r = pair.ratio;
        r.ratio = r.ci_low = r.ci_high = r.df = r.se = r.p_difference = r.p_equivalence = r.p_lower = r.p_upper =
            r.sd_pooled = kNaN;
        if (tests.descriptives_only) {
          pair.outcome = "descriptives_only";
        } else if (!positive(a) || !positive(b)) {
          pair.outcome = "not_testable";
          pair.verdict = "a run measured 0 or less, and a ratio needs positive values";
        } else {
          pair.ratio = CompareRatio(a, b, options.equivalence_margin, options.alpha);
        }
        metric.comparisons.push_back(std::move(pair));
      }
    }
  }
}

// Holm within the primary family, Benjamini-Hochberg across the secondary and exploratory tests together.
void AdjustOmnibus(AnalysisResult& result) {
  for (const bool primary : {true, false}) {
    std::vector<ScenarioAnalysis*> family;
    std::vector<double> p;
    for (auto& m : result.metrics) {
      if ((m.tier == OutcomeTier::kPrimary) != primary) continue;
      for (auto& s : m.per_scenario) {
        family.push_back(&s);
        p.push_back(s.trusted_p);
      }
    }
    const std::vector<double> adjusted = primary ? HolmAdjust(p) : BenjaminiHochbergAdjust(p);
    for (std::size_t i = 0; i < family.size(); ++i) {
      family[i]->p_adjusted = adjusted[i];
      family[i]->adjustment = primary ? "holm" : "bh";
      family[i]->protocol_matters = adjusted[i] < result.alpha;
    }
  }
}

// Holm over every primary pairwise difference test, and separately over every equivalence test.
int AdjustPairs(AnalysisResult& result) {
  std::vector<PairComparison*> family;
  std::vector<double> difference, equivalence;
  for (auto& m : result.metrics) {
    for (auto& pair : m.comparisons) {
      family.push_back(&pair);
      difference.push_back(pair.ratio.p_difference);
      equivalence.push_back(pair.ratio.p_equivalence);
    }
  }
  const auto difference_adjusted = HolmAdjust(difference);
  const auto equivalence_adjusted = HolmAdjust(equivalence);
  int tested = 0;
  for (std::size_t i = 0; i < family.size(); ++i) {
    family[i]->p_difference_adjusted = difference_adjusted[i];
    family[i]->p_equivalence_adjusted = equivalence_adjusted[i];
    tested += std::isnan(difference[i]) ? 0 : 1;
  }
  return tested;
}

void WriteVerdicts(AnalysisResult& result, int pair_family_size) {
  for (auto& m : result.metrics) {
    for (auto& s : m.per_scenario) WriteScenarioVerdict(s, m, result.alpha, result.min_runs);
    for (auto& pair : m.comparisons) {
      WritePairVerdict(pair, m, result.equivalence_margin, result.alpha, pair_family_size);
    }
    m.summary = MetricSummary(m);
  }
  result.stories = TellStories(result);
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

const char* TierName(OutcomeTier tier) {
  switch (tier) {
    case OutcomeTier::kPrimary:
      return "primary";
    case OutcomeTier::kSecondary:
      return "secondary";
    case OutcomeTier::kExploratory:
      break;
  }
  return "exploratory";
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
  if (p == 0) return "< 2.2e-308";  // underflow: the true value is below the smallest double
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
  if (auto status = ValidateOptions(table, options); !status.ok()) return status;
  Design design;
  design.scenarios = IndexLevels(table.factor_values[table.FindFactor(options.scenario_column)]);
  design.protocols = IndexLevels(table.factor_values[table.FindFactor(options.protocol_column)]);
  design.a_levels = static_cast<int>(design.scenarios.names.size());
  design.b_levels = static_cast<int>(design.protocols.names.size());
  if (design.b_levels < 2) return InvalidArgument("need at least two protocols to compare");
  const std::vector<std::string>& names = options.metrics.empty() ? table.metric_names : options.metrics;
  if (names.empty()) return InvalidArgument("the table has no numeric metric columns");

  AnalysisResult result;
  result.scenario_factor = options.scenario_column;
  result.protocol_factor = options.protocol_column;
  result.ss_type = options.ss_type;
  result.alpha = options.alpha;
  result.equivalence_margin = options.equivalence_margin;
  result.min_runs = options.min_runs;
  result.outcomes_declared = !options.primary.empty() || !options.secondary.empty();
  result.rows = static_cast<int>(table.row_count);
  result.ignored_columns = table.ignored_columns;
  result.scenarios = design.scenarios.names;
  result.protocols = design.protocols.names;
  for (const auto& name : names) {
    const int column = table.FindMetric(name);
    if (column < 0) return InvalidArgument("no numeric metric column '" + name + "' in the table");
    MetricAnalysis metric = NewMetric(name, options);
    auto data = Collect(table.metric_values[column], design, metric);
    if (!data.ok()) return data.status();
    metric.n = static_cast<int>(data->y.size());
    AddDescriptives(metric, *data, design);
    RunTwoWay(metric, *data, design, options);
    for (int s = 0; s < design.a_levels; ++s) metric.per_scenario.push_back(TestScenario(*data, design, s, options));
    if (metric.tier == OutcomeTier::kPrimary) ComparePairs(metric, *data, design, options);
    result.metrics.push_back(std::move(metric));
  }
  AdjustOmnibus(result);
  WriteVerdicts(result, AdjustPairs(result));
  return result;
}

}  // namespace maestro::stats
