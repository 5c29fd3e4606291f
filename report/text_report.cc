// Text and Markdown share one layout, so the two formats never drift apart; CSV is a long table.
#include <cmath>
#include <functional>

#include "report/format.h"
#include "report/report.h"

namespace maestro::report {
namespace {

using stats::FormatP;
using Rows = std::vector<std::vector<std::string>>;

struct Writer {
  bool markdown;
  std::string out;

  void Title(const std::string& text, int level) {
    if (markdown) {
      out += std::string(level, '#') + " " + text + "\n\n";
    } else {
      out += text + "\n" + std::string(text.size(), level == 1 ? '=' : '-') + "\n\n";
    }
  }
  void Paragraph(const std::string& text) { out += text + "\n\n"; }
  void Bullet(const std::string& text) { out += (markdown ? "- " : "  * ") + text + "\n"; }
  void Table(const std::vector<std::string>& header, const Rows& rows) {
    out += markdown ? MarkdownTable(header, rows) : TextTable(header, rows);
    out += "\n";
  }
};

std::string Test(const std::string& name) {
  if (name == "welch") return "Welch's ANOVA";
  if (name == "kruskal_wallis") return "Kruskal-Wallis";
  if (name == "anova") return "one-way ANOVA";
  if (name == "tukey") return "Tukey HSD";
  if (name == "games_howell") return "Games-Howell";
  return name;
}

void Overview(Writer& w, const ReportInput& input) {
  const stats::AnalysisResult& a = *input.analysis;
  w.Title("Maestro analysis: " + (input.source.empty() ? std::string("results") : input.source), 1);
  w.Paragraph(std::to_string(a.rows) + " runs; " + std::to_string(a.scenarios.size()) + " scenarios x " +
              std::to_string(a.protocols.size()) + " protocols. Two-way ANOVA with Type " +
              (a.ss_type == stats::SumOfSquaresType::kTypeII ? "II" : "III") +
              " sums of squares; alpha = " + Fmt(a.alpha, 1) +
              ". Effect sizes: eta^2 = SS_effect/SS_total, partial eta^2 = SS_effect/(SS_effect + "
              "SS_residual), omega^2 = (SS_effect - df MS_residual)/(SS_total + MS_residual).");
  w.Title("Answer", 2);
  for (const auto& story : a.stories) w.Bullet(story.sentence);
  w.out += "\n";
  w.Paragraph(
      "Primary outcomes: ratios of means (exp of the difference of ln means, Welch 95% CI), TOST equivalence "
      "within +-" +
      Fmt(100 * a.equivalence_margin, 3) +
      "% and Welch's t-test, both Holm-adjusted over every primary comparison. Omnibus tests: Holm within "
      "the primary family, Benjamini-Hochberg across the rest. Fewer than " +
      std::to_string(a.min_runs) + " runs in a cell: descriptives only.");
  w.Title("Verdicts", 2);
  for (const auto& m : a.metrics) w.Bullet(m.summary);
  w.out += "\n";
  for (const auto& m : a.metrics) {
    for (const auto& s : m.per_scenario) w.Bullet(s.verdict);
  }
  w.out += "\n";
}

void RatiosAndDescriptives(Writer& w, const stats::MetricAnalysis& m) {
  if (!m.comparisons.empty()) {
    Rows pairs;
    for (const auto& c : m.comparisons) {
      pairs.push_back({c.scenario, c.a + "/" + c.b, Fmt(c.ratio.ratio, 3),
                       "[" + Fmt(c.ratio.ci_low, 3) + ", " + Fmt(c.ratio.ci_high, 3) + "]",
                       FormatP(c.p_equivalence_adjusted), FormatP(c.p_difference_adjusted), c.outcome});
    }
    w.Title("Pairwise ratios", 3);
    w.Table({"scenario", "pair", "ratio", "95% CI", "TOST p (Holm)", "difference p (Holm)", "verdict"}, pairs);
  }
  Rows rows;
  for (const auto& c : m.descriptives) {
    rows.push_back({c.scenario, c.protocol, std::to_string(c.n), Fmt(c.mean), Fmt(c.sd), Fmt(c.median), Fmt(c.p90),
                    Fmt(c.min), Fmt(c.max), "[" + Fmt(c.ci_low) + ", " + Fmt(c.ci_high) + "]", Fmt(c.cv_pct, 2) + "%",
                    Delta(c.delta_pct, c.best)});
  }
  w.Title("Descriptives", 3);
  w.Table({"scenario", "protocol", "n", "mean", "sd", "median", "p90", "min", "max", "95% CI of mean", "CV",
           std::string("delta vs best (") + (m.higher_is_better ? "higher" : "lower") + " is better)"},
          rows);
}

void TwoWaySection(Writer& w, const stats::MetricAnalysis& m) {
  w.Title("Two-way ANOVA", 3);
  if (!m.anova_ok) {
    w.Paragraph("Not run: " + m.anova_error + ".");
    return;
  }
  Rows rows;
  for (const auto& r : m.anova) {
    const bool residual = r.effect == "residual";
    rows.push_back({r.effect, Fmt(r.ss), Fmt(r.df), Fmt(r.ms), residual ? "" : Fmt(r.f), residual ? "" : FormatP(r.p),
                    residual ? "" : Fmt(r.eta_sq, 3), residual ? "" : Fmt(r.partial_eta_sq, 3),
                    residual ? "" : Fmt(r.omega_sq, 3)});
  }
  w.Table({"effect", "SS", "df", "MS", "F", "p", "eta^2", "partial eta^2", "omega^2"}, rows);
  std::string checks = "Assumptions: Shapiro-Wilk on residuals ";
  checks += m.anova_shapiro.n > 0 ? "W = " + Fmt(m.anova_shapiro.w) + ", p = " + FormatP(m.anova_shapiro.p)
                                  : std::string("not run");
  checks += "; Levene (Brown-Forsythe) across cells W = " + Fmt(m.anova_levene.w) +
            ", p = " + FormatP(m.anova_levene.p) + ".";
  w.Paragraph(checks);
  for (const auto& note : m.anova_notes) w.Paragraph(note);
}

void PerScenarioSection(Writer& w, const stats::MetricAnalysis& m) {
  w.Title("Per scenario", 3);
  Rows rows;
  for (const auto& s : m.per_scenario) {
    if (s.protocols.size() < 2 || s.trusted_test.empty()) continue;
    rows.push_back({s.scenario, "F=" + Fmt(s.anova.f) + " p=" + FormatP(s.anova.p),
                    "F=" + Fmt(s.welch.f) + " p=" + FormatP(s.welch.p),
                    "H=" + Fmt(s.kruskal_wallis.h) + " p=" + FormatP(s.kruskal_wallis.p),
                    "W=" + Fmt(s.levene.w) + " p=" + FormatP(s.levene.p),
                    s.shapiro.n > 0 ? "W=" + Fmt(s.shapiro.w) + " p=" + FormatP(s.shapiro.p) : "not run",
                    Test(s.trusted_test), Fmt(s.anova.omega_sq, 3)});
  }
  w.Table({"scenario", "ANOVA", "Welch", "Kruskal-Wallis", "Levene (BF)", "Shapiro-Wilk", "trust", "omega^2"}, rows);
  for (const auto& s : m.per_scenario) {
    if (s.protocols.size() < 2 || s.trusted_test.empty()) continue;
    rows.clear();
    for (std::size_t i = 0; i < s.tukey.size(); ++i) {
      const auto& t = s.tukey[i];
      const auto& g = s.games_howell[i];
      rows.push_back({t.a + " - " + t.b, Fmt(t.diff), FormatP(t.p), "[" + Fmt(t.ci_low) + ", " + Fmt(t.ci_high) + "]",
                      Fmt(g.df, 3), FormatP(g.p)});
    }
    w.Paragraph(s.scenario + " pairwise (" + Test(s.trusted_posthoc) + " is the one to trust):");
    w.Table({"pair", "diff", "Tukey p", "Tukey 95% CI", "G-H df", "Games-Howell p"}, rows);
    for (const auto& note : s.assumption_notes) w.Bullet(note);
    w.out += "\n";
  }
}

std::string Document(const ReportInput& input, bool markdown) {
  Writer w{markdown, {}};
  Overview(w, input);
  for (const auto& m : input.analysis->metrics) {
    w.Title(m.metric + " [" + stats::TierName(m.tier) + "]" +
                (m.transform == stats::Transform::kNone
                     ? ""
                     : " (tests on " + std::string(stats::TransformName(m.transform)) + " scale)"),
            2);
    RatiosAndDescriptives(w, m);
    TwoWaySection(w, m);
    PerScenarioSection(w, m);
  }
  return w.out;
}

}  // namespace

std::string RenderText(const ReportInput& input) {
  return Document(input, false);
}
std::string RenderMarkdown(const ReportInput& input) {
  return Document(input, true);
}

std::string RenderCsv(const ReportInput& input) {
  std::string out = "metric,section,scenario,item,statistic,value\n";
  auto quote = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  auto add = [&](const std::string& metric, const char* section, const std::string& scenario, const std::string& item,
                 const char* statistic, double value) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    out += quote(metric) + "," + section + "," + quote(scenario) + "," + quote(item) + "," + statistic + "," +
           (std::isnan(value) ? "" : buffer) + "\n";
  };
  for (const auto& m : input.analysis->metrics) {
    for (const auto& c : m.descriptives) {
      for (auto [name, value] : std::initializer_list<std::pair<const char*, double>>{{"n", c.n},
                                                                                      {"mean", c.mean},
                                                                                      {"sd", c.sd},
                                                                                      {"median", c.median},
                                                                                      {"p90", c.p90},
                                                                                      {"min", c.min},
                                                                                      {"max", c.max},
                                                                                      {"ci95_low", c.ci_low},
                                                                                      {"ci95_high", c.ci_high},
                                                                                      {"cv_pct", c.cv_pct},
                                                                                      {"delta_pct", c.delta_pct}}) {
        add(m.metric, "descriptives", c.scenario, c.protocol, name, value);
      }
    }
    for (const auto& r : m.anova) {
      for (auto [name, value] :
           std::initializer_list<std::pair<const char*, double>>{{"ss", r.ss},
                                                                 {"df", r.df},
                                                                 {"ms", r.ms},
                                                                 {"f", r.f},
                                                                 {"p", r.p},
                                                                 {"eta_sq", r.eta_sq},
                                                                 {"partial_eta_sq", r.partial_eta_sq},
                                                                 {"omega_sq", r.omega_sq}}) {
        add(m.metric, "anova", "", r.effect, name, value);
      }
    }
    for (const auto& c : m.comparisons) {
      const std::string pair = c.a + " / " + c.b;
      add(m.metric, "ratio", c.scenario, pair, "ratio", c.ratio.ratio);
      add(m.metric, "ratio", c.scenario, pair, "ci95_low", c.ratio.ci_low);
      add(m.metric, "ratio", c.scenario, pair, "ci95_high", c.ratio.ci_high);
      add(m.metric, "ratio", c.scenario, pair, "p_difference_adjusted", c.p_difference_adjusted);
      add(m.metric, "ratio", c.scenario, pair, "p_equivalence_adjusted", c.p_equivalence_adjusted);
    }
    for (const auto& s : m.per_scenario) {
      if (s.protocols.size() < 2 || s.trusted_test.empty()) continue;
      add(m.metric, "per_scenario", s.scenario, "trusted", "p_adjusted", s.p_adjusted);
      add(m.metric, "per_scenario", s.scenario, "anova", "f", s.anova.f);
      add(m.metric, "per_scenario", s.scenario, "anova", "p", s.anova.p);
      add(m.metric, "per_scenario", s.scenario, "anova", "omega_sq", s.anova.omega_sq);
      add(m.metric, "per_scenario", s.scenario, "welch", "f", s.welch.f);
      add(m.metric, "per_scenario", s.scenario, "welch", "df2", s.welch.df2);
      add(m.metric, "per_scenario", s.scenario, "welch", "p", s.welch.p);
      add(m.metric, "per_scenario", s.scenario, "kruskal_wallis", "h", s.kruskal_wallis.h);
      add(m.metric, "per_scenario", s.scenario, "kruskal_wallis", "p", s.kruskal_wallis.p);
      add(m.metric, "per_scenario", s.scenario, "levene", "w", s.levene.w);
      add(m.metric, "per_scenario", s.scenario, "levene", "p", s.levene.p);
      add(m.metric, "per_scenario", s.scenario, "shapiro_wilk", "w", s.shapiro.n ? s.shapiro.w : NAN);
      add(m.metric, "per_scenario", s.scenario, "shapiro_wilk", "p", s.shapiro.n ? s.shapiro.p : NAN);
      for (const auto& t : s.tukey) {
        add(m.metric, "tukey", s.scenario, t.a + " - " + t.b, "diff", t.diff);
        add(m.metric, "tukey", s.scenario, t.a + " - " + t.b, "p", t.p);
      }
      for (const auto& g : s.games_howell) {
        add(m.metric, "games_howell", s.scenario, g.a + " - " + g.b, "diff", g.diff);
        add(m.metric, "games_howell", s.scenario, g.a + " - " + g.b, "p", g.p);
      }
    }
  }
  return out;
}

Result<Format> ParseFormat(const std::string& name) {
  if (name == "text" || name == "txt") return Format::kText;
  if (name == "md" || name == "markdown") return Format::kMarkdown;
  if (name == "json") return Format::kJson;
  if (name == "csv") return Format::kCsv;
  if (name == "html") return Format::kHtml;
  return InvalidArgument("unknown format '" + name + "' (use text, md, json, csv or html)");
}

std::string Render(Format format, const ReportInput& input) {
  switch (format) {
    case Format::kMarkdown:
      return RenderMarkdown(input);
    case Format::kJson:
      return RenderJson(input);
    case Format::kCsv:
      return RenderCsv(input);
    case Format::kHtml:
      return RenderHtml(input);
    case Format::kText:
      break;
  }
  return RenderText(input);
}

Result<std::vector<HistogramBucket>> LoadHistograms(const std::string& path) {
  stats::CsvOptions options;
  options.factor_columns = {"scenario", "protocol", "le"};
  auto table = stats::LoadCsv(path, options);
  if (!table.ok()) return table.status();
  const int scenario = table->FindFactor("scenario"), protocol = table->FindFactor("protocol");
  const int le = table->FindFactor("le"), count = table->FindMetric("count");
  if (scenario < 0 || protocol < 0 || le < 0 || count < 0) {
    return InvalidArgument(path + ": a histogram CSV needs the columns scenario,protocol,le,count");
  }
  std::vector<HistogramBucket> buckets;
  for (std::size_t r = 0; r < table->row_count; ++r) {
    HistogramBucket b;
    b.scenario = table->factor_values[scenario][r];
    b.protocol = table->factor_values[protocol][r];
    const std::string& bound = table->factor_values[le][r];
    if (bound == "+Inf" || bound == "inf" || bound == "Inf") {
      b.upper_bound = INFINITY;
    } else {
      char* end = nullptr;
      b.upper_bound = std::strtod(bound.c_str(), &end);
      if (end == bound.c_str() || *end != '\0') {
        return InvalidArgument(path + ": row " + std::to_string(r + 2) + ": le '" + bound + "' is not a number");
      }
    }
    b.count = table->metric_values[count][r];
    if (std::isnan(b.count) || b.count < 0) {
      return InvalidArgument(path + ": row " + std::to_string(r + 2) + ": count must be a number >= 0");
    }
    buckets.push_back(b);
  }
  return buckets;
}

}  // namespace maestro::report
