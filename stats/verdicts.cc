#include "stats/verdicts.h"

#include <algorithm>
#include <cmath>

#include "stats/number_format.h"

namespace maestro::stats {
namespace {

std::string Number(double value, int significant = 3) {
  return FormatSignificant(value, significant);
}

std::string Join(const std::vector<std::string>& items, const std::string& separator = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// "8" for 8.3, "0.4" for 0.42: one decimal below 10 %, whole percents above.
std::string Percent(double pct) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, pct < 10 ? "%.1f" : "%.0f", pct);
  return buffer;
}

// "5" for a 0.05 margin, "2.5" for 0.025.
std::string MarginPercent(double margin) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", 100 * margin);
  return buffer;
}

bool IsLatency(const std::string& metric) {
  return metric.find("latency") != std::string::npos ||
         (metric.size() > 3 && metric.compare(metric.size() - 3, 3, "_ms") == 0);
}

std::string AdjustedLabel(const std::string& adjustment) {
  return adjustment == "holm" ? "Holm-adjusted" : "BH-adjusted";
}

std::string Statistic(const ScenarioAnalysis& s) {
  if (s.trusted_test == "kruskal_wallis") {
    return "Kruskal-Wallis H(" + Number(s.kruskal_wallis.df) + ") = " + Number(s.kruskal_wallis.h);
  }
  if (s.trusted_test == "welch") {
    return "Welch F(" + Number(s.welch.df1) + ", " + Number(s.welch.df2) + ") = " + Number(s.welch.f);
  }
  return "F(" + Number(s.anova.df_between) + ", " + Number(s.anova.df_within) + ") = " + Number(s.anova.f);
}

// "rest +12%, thrift +3%": every protocol's mean against the scenario's best.
std::string Deltas(const ScenarioAnalysis& s, const MetricAnalysis& metric, std::string& best, double& best_mean) {
  std::vector<std::string> deltas;
  for (const auto& c : metric.descriptives) {
    if (c.scenario != s.scenario || c.n == 0) continue;
    if (c.best) {
      best = c.protocol;
      best_mean = c.mean;
      continue;
    }
    deltas.push_back(c.protocol + " " + (c.delta_pct >= 0 ? "+" : "") + Number(c.delta_pct) + "%");
  }
  return Join(deltas);
}

std::string PairwiseFindings(const ScenarioAnalysis& s, double alpha) {
  const auto& pairs = s.trusted_posthoc == "tukey" ? s.tukey : s.games_howell;
  std::vector<std::string> differ, same, untestable;
  for (const auto& pair : pairs) {
    if (std::isnan(pair.p)) {
      untestable.push_back(pair.a + " vs " + pair.b);
      continue;
    }
    (pair.p < alpha ? differ : same).push_back(pair.a + " vs " + pair.b + " (p = " + FormatP(pair.p) + ")");
  }
  std::string text;
  const char* posthoc = s.trusted_posthoc == "tukey" ? "Tukey HSD" : "Games-Howell";
  if (!differ.empty()) text += std::string(" ") + posthoc + " finds differences for " + Join(differ) + ".";
  if (!same.empty()) text += " No evidence of a difference for " + Join(same) + ".";
  if (!untestable.empty()) text += " Not testable pairwise (no spread within protocols): " + Join(untestable) + ".";
  return text;
}

int SmallestRuns(const MetricAnalysis& metric, const std::string& scenario) {
  int smallest = 0;
  for (const auto& c : metric.descriptives) {
    if (c.scenario == scenario && c.n > 0 && (smallest == 0 || c.n < smallest)) smallest = c.n;
  }
  return smallest;
}

// Short phrase for one pair, e.g. "grpc is 8–12% slower than rest".
std::string PairPhrase(const PairComparison& pair, const MetricAnalysis& metric, double margin) {
  const std::string within = MarginPercent(margin) + "%";
  if (pair.outcome == "equivalent") return pair.a + " and " + pair.b + " are equivalent within " + within;
  if (pair.outcome == "inconclusive") {
    return pair.a + " vs " + pair.b + " is inconclusive: " +
           (pair.runs_needed >= 100000 ? std::string("more than 100000") : std::to_string(pair.runs_needed)) +
           " runs per cell would be needed";
  }
  if (pair.outcome == "different") {
    // Say it with the larger value as the subject, so the percentages are "slower" / "higher".
    const bool a_larger = pair.ratio.ratio > 1;
    const std::string& larger = a_larger ? pair.a : pair.b;
    const std::string& smaller = a_larger ? pair.b : pair.a;
    const double low = a_larger ? pair.ratio.ci_low : 1 / pair.ratio.ci_high;
    const double high = a_larger ? pair.ratio.ci_high : 1 / pair.ratio.ci_low;
    const std::string range = Percent(100 * (low - 1)) + "\u2013" + Percent(100 * (high - 1)) + "%";
    if (IsLatency(metric.metric)) return larger + " is " + range + " slower than " + smaller;
    return larger + " is " + range + " higher than " + smaller;
  }
  if (pair.outcome == "descriptives_only") return pair.a + " vs " + pair.b + ": descriptives only";
  return pair.a + " vs " + pair.b + " is not testable";
}

}  // namespace

const char* TestLabel(const std::string& test) {
  if (test == "welch") return "Welch's ANOVA";
  if (test == "kruskal_wallis") return "Kruskal-Wallis";
  return "one-way ANOVA";
}

void AddAssumptionNotes(ScenarioAnalysis& s, double sd_ratio) {
  if (s.normality == Check::kFailed) {
    s.assumption_notes.push_back("Residuals are not normal (Shapiro-Wilk W = " + Number(s.shapiro.w, 4) +
                                 ", p = " + FormatP(s.shapiro.p) +
                                 "), so the rank-based Kruskal-Wallis test is the one to trust.");
  }
  if (s.equal_variance == Check::kFailed) {
    s.assumption_notes.push_back("Variances differ between protocols (Brown-Forsythe/Levene W = " + Number(s.levene.w) +
                                 ", p = " + FormatP(s.levene.p) + "; largest/smallest SD " + Number(sd_ratio) +
                                 "x), so " + (s.trusted_test == "welch" ? "Welch's ANOVA" : "the omnibus test above") +
                                 " and Games-Howell pairs are the ones to trust; the classic ANOVA and Tukey "
                                 "assume equal variances.");
  }
  if (s.normality == Check::kNotTested && !s.shapiro_note.empty()) s.assumption_notes.push_back(s.shapiro_note);
  if (s.normality == Check::kPassed && s.equal_variance == Check::kPassed) {
    s.assumption_notes.push_back("Residuals look normal (Shapiro-Wilk p = " + FormatP(s.shapiro.p) +
                                 ") and variances look equal (Levene p = " + FormatP(s.levene.p) +
                                 "): the classic ANOVA and Tukey HSD apply.");
  }
}

void WriteScenarioVerdict(ScenarioAnalysis& s, const MetricAnalysis& metric, double alpha, int min_runs) {
  const std::string where = metric.metric + " in " + s.scenario;
  if (s.protocols.size() < 2) {
    s.verdict = "Only one protocol has data for " + where + "; nothing to compare.";
    return;
  }
  if (s.descriptives_only) {
    const int runs = SmallestRuns(metric, s.scenario);
    s.verdict = "Descriptives only for " + where + ": a protocol has " + std::to_string(runs) + " run" +
                (runs == 1 ? "" : "s") + ", and the tests need at least " + std::to_string(min_runs) +
                " runs per cell.";
    return;
  }
  if (s.not_testable) {
    s.verdict = "Not testable for " + where + ": " +
                (s.assumption_notes.empty() ? std::string("every test is undefined here.") : s.assumption_notes.back());
    return;
  }
  std::string best;
  double best_mean = 0;
  const std::string deltas = Deltas(s, metric, best, best_mean);
  const std::string p_text =
      "p = " + FormatP(s.trusted_p) + " (" + AdjustedLabel(s.adjustment) + " " + FormatP(s.p_adjusted) + ")";
  const std::string effect = "omega^2 = " + Number(s.anova.omega_sq) + " (" + EffectSizeWord(s.anova.omega_sq) +
                             "), eta^2 = " + Number(s.anova.eta_sq);
  s.best_protocol = best;
  if (s.protocol_matters) {
    s.verdict = "Protocol matters for " + where + ": " + Statistic(s) + ", " + p_text + "; " + effect + ". " + best +
                " has the " + (metric.higher_is_better ? "highest" : "lowest") + " mean (" + Number(best_mean, 4) +
                ")" + (deltas.empty() ? "" : "; " + deltas) + "." + PairwiseFindings(s, alpha);
  } else {
    s.verdict = "No evidence that protocol matters for " + where + ": " + Statistic(s) + ", " + p_text + "; " + effect +
                "." + (deltas.empty() ? "" : " Means relative to " + best + ": " + deltas + ".");
  }
}

void WritePairVerdict(PairComparison& pair, const MetricAnalysis& metric, double margin, double alpha,
                      int family_size) {
  if (pair.outcome.empty()) {
    if (std::isnan(pair.ratio.p_difference)) {
      pair.outcome = "not_testable";
      pair.verdict = "neither protocol's runs vary, so the ratio has no interval";
    } else if (pair.p_equivalence_adjusted < alpha) {
      pair.outcome = "equivalent";
    } else if (pair.p_difference_adjusted < alpha) {
      pair.outcome = "different";
    } else {
      pair.outcome = "inconclusive";
      // The runs at hand did not settle it, so more are needed whatever the planning formula says.
      pair.runs_needed = std::max(pair.runs + 1, RunsNeeded(std::log(pair.ratio.ratio), pair.ratio.sd_pooled, margin,
                                                            alpha / std::max(family_size, 1)));
    }
  }
  const std::string reason = pair.verdict;
  pair.verdict = PairPhrase(pair, metric, margin);
  if (!reason.empty()) pair.verdict += ": " + reason;
  if (!std::isnan(pair.ratio.ci_low) && pair.outcome != "descriptives_only") {
    pair.verdict += " (" + pair.a + "/" + pair.b + " = " + Number(pair.ratio.ratio) + ", 95% CI " +
                    Number(pair.ratio.ci_low) + "\u2013" + Number(pair.ratio.ci_high) + ")";
  }
}

std::string MetricSummary(const MetricAnalysis& metric) {
  std::vector<std::string> matters, no_evidence;
  for (const auto& s : metric.per_scenario) {
    if (s.protocols.size() < 2 || std::isnan(s.p_adjusted)) continue;
    (s.protocol_matters ? matters : no_evidence).push_back(s.scenario);
  }
  const std::size_t compared = matters.size() + no_evidence.size();
  const std::string& name = metric.metric;
  if (compared == 0)
    return "Protocol could not be tested for " + name + " in any scenario (see the per-scenario notes).";
  if (matters.empty()) return "No evidence that protocol matters for " + name + " in any tested scenario.";
  if (no_evidence.empty()) {
    return "Protocol matters for " + name + " in all " + std::to_string(compared) + " tested scenarios.";
  }
  return "Protocol matters for " + name + " in " + std::to_string(matters.size()) + " of " + std::to_string(compared) +
         " tested scenarios (" + Join(matters) + "); no evidence in " + Join(no_evidence) + ".";
}

namespace {

std::string OmnibusStory(const AnalysisResult& result, const std::string& scenario) {
  std::vector<std::string> matters, no_evidence;
  for (const auto& m : result.metrics) {
    for (const auto& s : m.per_scenario) {
      if (s.scenario != scenario || std::isnan(s.p_adjusted)) continue;
      (s.protocol_matters ? matters : no_evidence).push_back(m.metric);
    }
  }
  std::string text = scenario + ": no primary outcomes were declared, so there are no equivalence verdicts";
  if (!matters.empty()) text += "; protocol matters (BH-adjusted) for " + Join(matters);
  if (!no_evidence.empty()) text += "; no evidence of a difference for " + Join(no_evidence);
  return text + ".";
}

// "14 runs" or "14-631 runs" per cell, over the inconclusive pairs.
std::string RunsRange(int low, int high) {
  auto text = [](int n) { return n >= 100000 ? std::string("more than 100000") : std::to_string(n); };
  return (low == high ? text(low) : text(low) + "\u2013" + text(high)) + " runs per cell would be needed";
}

// The clause for one primary outcome in one scenario, e.g. "latency_ms: grpc is 8–12% slower than rest; rest and
// thrift equivalent within 5%; inconclusive for grpc vs thrift (14 runs per cell would be needed)". Pairs with
// the same outcome are grouped so the sentence stays short.
std::string OutcomeClause(const MetricAnalysis& m, const std::string& scenario, double margin, bool& all_equivalent,
                          bool& descriptives_only) {
  std::vector<std::string> different, equivalent, inconclusive, untestable;
  int fewest = 0, most = 0;
  for (const auto& pair : m.comparisons) {
    if (pair.scenario != scenario) continue;
    const std::string name = pair.a + " vs " + pair.b;
    if (pair.outcome == "descriptives_only") descriptives_only = true;
    if (pair.outcome == "different") different.push_back(PairPhrase(pair, m, margin));
    if (pair.outcome == "equivalent") equivalent.push_back(name);
    if (pair.outcome == "not_testable") untestable.push_back(name);
    if (pair.outcome != "inconclusive") continue;
    inconclusive.push_back(name);
    fewest = fewest == 0 ? pair.runs_needed : std::min(fewest, pair.runs_needed);
    most = std::max(most, pair.runs_needed);
  }
  const std::size_t pairs = different.size() + equivalent.size() + inconclusive.size() + untestable.size();
  all_equivalent &= pairs > 0 && equivalent.size() == pairs;
  const std::string within = "equivalent within " + MarginPercent(margin) + "%";
  if (pairs == 0) return m.metric + ": no pair of protocols has data";
  if (equivalent.size() == pairs) return m.metric + ": all " + within;
  if (inconclusive.size() == pairs) {
    return m.metric + ": inconclusive for every pair (" + RunsRange(fewest, most) + ")";
  }
  std::vector<std::string> parts = different;
  if (!equivalent.empty()) parts.push_back(within + " for " + Join(equivalent, " and "));
  if (!inconclusive.empty()) {
    parts.push_back("inconclusive for " + Join(inconclusive, " and ") + " (" + RunsRange(fewest, most) + ")");
  }
  if (!untestable.empty()) parts.push_back("not testable for " + Join(untestable, " and "));
  return m.metric + ": " + Join(parts, ", ");
}

}  // namespace

std::vector<ScenarioStory> TellStories(const AnalysisResult& result) {
  std::vector<ScenarioStory> stories;
  std::vector<const MetricAnalysis*> primary;
  for (const auto& m : result.metrics) {
    if (m.tier == OutcomeTier::kPrimary) primary.push_back(&m);
  }
  for (const auto& scenario : result.scenarios) {
    if (primary.empty()) {
      stories.push_back({scenario, OmnibusStory(result, scenario)});
      continue;
    }
    bool all_equivalent = true, descriptives_only = false;
    std::vector<std::string> clauses, names;
    for (const auto* m : primary) {
      clauses.push_back(OutcomeClause(*m, scenario, result.equivalence_margin, all_equivalent, descriptives_only));
      names.push_back(m->metric);
    }
    std::string sentence;
    if (descriptives_only) {
      const int runs = SmallestRuns(*primary.front(), scenario);
      sentence = scenario + ": descriptives only, because a protocol has " + std::to_string(runs) + " run" +
                 (runs == 1 ? "" : "s") + " and verdicts need at least " + std::to_string(result.min_runs) +
                 " runs per cell.";
    } else if (all_equivalent) {
      sentence = scenario + ": " + Join(result.protocols) + " are equivalent within " +
                 MarginPercent(result.equivalence_margin) + "% on every primary outcome (" + Join(names) + ").";
    } else {
      sentence = scenario + ": " + Join(clauses, "; ") + ".";
    }
    stories.push_back({scenario, sentence});
  }
  return stories;
}

}  // namespace maestro::stats
