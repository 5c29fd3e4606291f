#include <cmath>
#include <nlohmann/json.hpp>

#include "report/json_model.h"
#include "report/report.h"

namespace maestro::report {
namespace {

using nlohmann::json;
using stats::CheckName;

json Num(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}

json Pairs(const std::vector<stats::PairwiseResult>& pairs, bool with_ci) {
  json out = json::array();
  for (const auto& p : pairs) {
    json row = {{"a", p.a},      {"b", p.b},        {"diff", Num(p.diff)}, {"se", Num(p.se)},
                {"q", Num(p.q)}, {"df", Num(p.df)}, {"p", Num(p.p)}};
    if (with_ci) {
      row["ci_low"] = Num(p.ci_low);
      row["ci_high"] = Num(p.ci_high);
    }
    out.push_back(row);
  }
  return out;
}

json Shapiro(const stats::ShapiroWilkResult& sw) {
  if (sw.n == 0) return nullptr;
  return {{"w", Num(sw.w)}, {"p", Num(sw.p)}, {"n", sw.n}};
}

json Levene(const stats::LeveneResult& l) {
  return {{"w", Num(l.w)}, {"df1", Num(l.df1)}, {"df2", Num(l.df2)}, {"p", Num(l.p)}};
}

json Descriptives(const stats::MetricAnalysis& m) {
  json out = json::array();
  for (const auto& c : m.descriptives) {
    out.push_back({{"scenario", c.scenario},
                   {"protocol", c.protocol},
                   {"n", c.n},
                   {"mean", Num(c.mean)},
                   {"sd", Num(c.sd)},
                   {"cv_pct", Num(c.cv_pct)},
                   {"median", Num(c.median)},
                   {"p90", Num(c.p90)},
                   {"min", Num(c.min)},
                   {"max", Num(c.max)},
                   {"ci95_low", Num(c.ci_low)},
                   {"ci95_high", Num(c.ci_high)},
                   {"delta_pct", Num(c.delta_pct)},
                   {"best", c.best}});
  }
  return out;
}

json TwoWay(const stats::MetricAnalysis& m) {
  json anova = json::array();
  for (const auto& row : m.anova) {
    json r = {{"effect", row.effect}, {"ss", Num(row.ss)}, {"df", Num(row.df)}, {"ms", Num(row.ms)}};
    if (row.effect != "residual") {
      r["f"] = Num(row.f);
      r["p"] = Num(row.p);
      r["eta_sq"] = Num(row.eta_sq);
      r["partial_eta_sq"] = Num(row.partial_eta_sq);
      r["omega_sq"] = Num(row.omega_sq);
      r["partial_omega_sq"] = Num(row.partial_omega_sq);
    }
    anova.push_back(r);
  }
  return anova;
}

json ScenarioTests(const stats::ScenarioAnalysis& s) {
  json entry;
  entry["protocols"] = s.protocols;
  if (s.protocols.size() >= 2 && !s.descriptives_only && !s.not_testable) {
    entry["anova"] = {
        {"f", Num(s.anova.f)},           {"df1", Num(s.anova.df_between)},        {"df2", Num(s.anova.df_within)},
        {"p", Num(s.anova.p)},           {"ss_between", Num(s.anova.ss_between)}, {"ss_within", Num(s.anova.ss_within)},
        {"eta_sq", Num(s.anova.eta_sq)}, {"omega_sq", Num(s.anova.omega_sq)}};
    entry["welch"] = {
        {"f", Num(s.welch.f)}, {"df1", Num(s.welch.df1)}, {"df2", Num(s.welch.df2)}, {"p", Num(s.welch.p)}};
    entry["kruskal_wallis"] = {
        {"h", Num(s.kruskal_wallis.h)}, {"df", Num(s.kruskal_wallis.df)}, {"p", Num(s.kruskal_wallis.p)}};
    entry["levene"] = Levene(s.levene);
    entry["shapiro_wilk"] = Shapiro(s.shapiro);
    entry["tukey"] = Pairs(s.tukey, true);
    entry["games_howell"] = Pairs(s.games_howell, false);
  }
  entry["assumptions"] = {{"normality", CheckName(s.normality)},
                          {"equal_variance", CheckName(s.equal_variance)},
                          {"notes", s.assumption_notes}};
  entry["trusted_test"] = s.trusted_test.empty() ? json(nullptr) : json(s.trusted_test);
  entry["trusted_posthoc"] = s.trusted_posthoc.empty() ? json(nullptr) : json(s.trusted_posthoc);
  entry["p"] = Num(s.trusted_p);
  entry["p_adjusted"] = Num(s.p_adjusted);
  entry["adjustment"] = s.adjustment.empty() ? json(nullptr) : json(s.adjustment);
  entry["descriptives_only"] = s.descriptives_only;
  entry["not_testable"] = s.not_testable;
  entry["protocol_matters"] = s.protocol_matters;
  entry["best_protocol"] = s.best_protocol;
  entry["verdict"] = s.verdict;
  return entry;
}

json Comparisons(const stats::MetricAnalysis& m) {
  json out = json::array();
  for (const auto& c : m.comparisons) {
    out.push_back({{"scenario", c.scenario},
                   {"a", c.a},
                   {"b", c.b},
                   {"ratio", Num(c.ratio.ratio)},
                   {"ci95_low", Num(c.ratio.ci_low)},
                   {"ci95_high", Num(c.ratio.ci_high)},
                   {"df", Num(c.ratio.df)},
                   {"p_difference", Num(c.ratio.p_difference)},
                   {"p_difference_adjusted", Num(c.p_difference_adjusted)},
                   {"p_equivalence", Num(c.ratio.p_equivalence)},
                   {"p_equivalence_adjusted", Num(c.p_equivalence_adjusted)},
                   {"outcome", c.outcome},
                   {"runs_needed", c.outcome == "inconclusive" ? json(c.runs_needed) : json(nullptr)},
                   {"verdict", c.verdict}});
  }
  return out;
}

json Metric(const stats::MetricAnalysis& m) {
  json metric;
  metric["tier"] = stats::TierName(m.tier);
  metric["transform"] = stats::TransformName(m.transform);
  metric["higher_is_better"] = m.higher_is_better;
  metric["n"] = m.n;
  metric["descriptives"] = Descriptives(m);
  metric["anova"] = TwoWay(m);
  metric["anova_error"] = m.anova_ok ? json(nullptr) : json(m.anova_error);
  metric["anova_assumptions"] = {{"shapiro_wilk", Shapiro(m.anova_shapiro)},
                                 {"levene", m.anova_ok ? Levene(m.anova_levene) : json(nullptr)},
                                 {"normality", CheckName(m.anova_normality)},
                                 {"equal_variance", CheckName(m.anova_equal_variance)},
                                 {"notes", m.anova_notes}};
  json per_scenario = json::object();
  for (const auto& s : m.per_scenario) per_scenario[s.scenario] = ScenarioTests(s);
  metric["per_scenario"] = per_scenario;
  if (m.tier == stats::OutcomeTier::kPrimary) metric["comparisons"] = Comparisons(m);
  metric["summary"] = m.summary;
  return metric;
}

}  // namespace

nlohmann::json AnalysisToJson(const ReportInput& input) {
  const stats::AnalysisResult& a = *input.analysis;
  json doc;
  doc["schema"] = "maestro.analyze/2";
  doc["source"] = input.source;
  doc["rows"] = a.rows;
  doc["factors"] = {{"scenario", a.scenario_factor}, {"protocol", a.protocol_factor}};
  doc["scenarios"] = a.scenarios;
  doc["protocols"] = a.protocols;
  doc["ss_type"] = a.ss_type == stats::SumOfSquaresType::kTypeII ? "II" : "III";
  doc["alpha"] = a.alpha;
  doc["equivalence_margin"] = a.equivalence_margin;
  doc["min_runs"] = a.min_runs;
  doc["outcomes_declared"] = a.outcomes_declared;
  doc["corrections"] = {{"primary", "holm"}, {"secondary", "bh"}, {"exploratory", "bh"}};
  doc["ignored_columns"] = a.ignored_columns;
  json stories = json::array();
  for (const auto& story : a.stories) stories.push_back({{"scenario", story.scenario}, {"sentence", story.sentence}});
  doc["stories"] = stories;
  json metrics = json::object();
  for (const auto& m : a.metrics) metrics[m.metric] = Metric(m);
  doc["metrics"] = metrics;
  return doc;
}

std::string RenderJson(const ReportInput& input) {
  return AnalysisToJson(input).dump(2) + "\n";
}

}  // namespace maestro::report
