// The HTML report: one self-contained file (styles, data and chart libraries inline) that opens offline.
#include <cmath>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "report/charts.h"
#include "report/format.h"
#include "report/report.h"
#include "report/vega_assets.h"

namespace maestro::report {
namespace {

using nlohmann::json;
using stats::FormatP;

std::string Escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// JSON placed inside <script>: "<\/" is the same string to JSON and cannot close the element.
std::string JsonInScript(std::string_view text) {
  std::string out(text);
  for (std::size_t at = out.find("</"); at != std::string::npos; at = out.find("</", at + 3)) out.insert(at + 1, "\\");
  return out;
}

// Library code placed inside <script>: only a literal "</script" could end the element early. It can occur only
// inside strings, template literals or regular expressions, where "<\/script" means the same.
std::string LibraryInScript(std::string_view text) {
  std::string out(text);
  auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); };
  for (std::size_t at = 0; at + 8 <= out.size(); ++at) {
    if (out[at] != '<' || out[at + 1] != '/') continue;
    std::string word;
    for (int i = 2; i < 8; ++i) word += lower(out[at + i]);
    if (word == "script") out.insert(at + 1, "\\");
  }
  return out;
}

std::string Test(const std::string& name) {
  if (name == "welch") return "Welch's ANOVA";
  if (name == "kruskal_wallis") return "Kruskal&ndash;Wallis";
  if (name == "anova") return "one-way ANOVA";
  if (name == "tukey") return "Tukey HSD";
  if (name == "games_howell") return "Games&ndash;Howell";
  return Escape(name);
}

std::string CheckBadge(stats::Check check) {
  switch (check) {
    case stats::Check::kPassed:
      return "<span class=\"ok\">passed</span>";
    case stats::Check::kFailed:
      return "<span class=\"bad\">failed</span>";
    case stats::Check::kNotTested:
      break;
  }
  return "<span class=\"na\">not tested</span>";
}

// The analysis writes plain ASCII ("omega^2"); the page shows the usual symbols.
std::string Symbols(std::string text) {
  for (auto [from, to] : {std::pair{"partial eta^2", "partial \u03b7\u00b2"},
                          {"omega^2", "\u03c9\u00b2"},
                          {"eta^2", "\u03b7\u00b2"},
                          {"Kruskal-Wallis", "Kruskal\u2013Wallis"},
                          {"Games-Howell", "Games\u2013Howell"},
                          {"Shapiro-Wilk", "Shapiro\u2013Wilk"},
                          {"Brown-Forsythe", "Brown\u2013Forsythe"}}) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + std::strlen(to))) {
      text.replace(at, std::strlen(from), to);
    }
  }
  return text;
}

bool IsLatency(const std::string& metric) {
  return metric.find("latency") != std::string::npos;
}

const char* kStyle = R"css(
:root { --ink:#1d2430; --muted:#5b6675; --line:#e3e7ee; --bg:#f6f8fb; --good:#17803d; --bad:#b42318; --accent:#2f5bea; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--ink);
       background:var(--bg); }
header { background:#17202e; color:#fff; padding:28px 40px 22px; }
header h1 { margin:0 0 6px; font-size:26px; font-weight:650; }
header p { margin:0; color:#c9d2e0; }
nav { background:#fff; border-bottom:1px solid var(--line); padding:10px 40px; position:sticky; top:0; z-index:2; }
nav a { color:var(--accent); text-decoration:none; margin-right:18px; font-size:14px; }
main { max-width:1240px; margin:0 auto; padding:24px 40px 60px; }
section { background:#fff; border:1px solid var(--line); border-radius:10px; padding:20px 24px; margin:0 0 22px; }
h2 { font-size:20px; margin:0 0 12px; }
h3 { font-size:16px; margin:22px 0 8px; }
ul.summary { margin:4px 0 8px; padding-left:20px; font-weight:550; }
.muted, .caption { color:var(--muted); font-size:13.5px; }
.verdicts { display:grid; grid-template-columns:repeat(auto-fill,minmax(250px,1fr)); gap:14px; }
.card { border:1px solid var(--line); border-left:5px solid var(--muted); border-radius:8px; padding:12px 14px; }
.card.yes { border-left-color:var(--good); }
.card.no { border-left-color:#9aa4b2; }
.card h4 { margin:0 0 4px; font-size:14px; }
.card p { margin:0; font-size:13.5px; }
.tag { display:inline-block; font-size:11.5px; font-weight:600; padding:1px 8px; border-radius:99px; margin-left:6px; }
.tag.yes { background:#e3f4e8; color:var(--good); } .tag.no { background:#eef0f3; color:#4b5563; }
table { border-collapse:collapse; width:100%; margin:6px 0 10px; font-size:13.5px; font-variant-numeric:tabular-nums; }
th, td { padding:6px 9px; border-bottom:1px solid var(--line); text-align:right; white-space:nowrap; }
th:first-child, td:first-child { text-align:left; }
th { background:#f1f4f9; font-weight:600; color:#333c4a; }
tr.best td { background:#eefaf1; }
td.best { color:var(--good); font-weight:600; }
.ok { color:var(--good); font-weight:600; } .bad { color:var(--bad); font-weight:600; } .na { color:var(--muted); }
.good, .note { border-radius:6px; padding:8px 12px; margin:8px 0; font-size:13.5px; }
.good { background:#eefaf1; border:1px solid #bfe6cb; }
.note { background:#fff8e6; border:1px solid #f3dfa8; }
.charts { display:grid; grid-template-columns:repeat(auto-fill,minmax(480px,1fr)); gap:6px 24px; }
.charts .wide { grid-column:1 / -1; }
.chart { margin:8px 0 4px; min-height:120px; }
table.kv td:first-child { width:32%; color:var(--muted); }
details summary { cursor:pointer; color:var(--accent); margin:8px 0; }
code { background:#f1f4f9; padding:1px 5px; border-radius:4px; }
.scroll { overflow-x:auto; }
table.wrap td { white-space:normal; }
)css";

void AppendManifest(const json& value, const std::string& prefix,
                    std::vector<std::pair<std::string, std::string>>& out) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items())
      AppendManifest(child, prefix.empty() ? key : prefix + "." + key, out);
  } else if (value.is_array() && value.size() <= 16 &&
             std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_primitive(); })) {
    std::string joined;
    for (const auto& v : value)
      joined += (joined.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
    out.emplace_back(prefix, joined);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i)
      AppendManifest(value[i], prefix + "[" + std::to_string(i) + "]", out);
  } else {
    out.emplace_back(prefix, value.is_string() ? value.get<std::string>() : value.dump());
  }
}

}  // namespace

std::string RenderHtml(const ReportInput& input) {
  const stats::AnalysisResult& a = *input.analysis;
  const std::vector<Chart> charts = BuildCharts(input);
  std::string h;
  h.reserve(1 << 20);
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Maestro analysis: " +
       Escape(input.source) + "</title>\n<style>" + kStyle + "</style>\n";
  // Errors are collected before any library loads, so the page (and its test) can tell whether charts failed.
  h += "<script>window.maestroErrors=[];(function(){var e=console.error;console.error=function(){"
       "window.maestroErrors.push(Array.prototype.map.call(arguments,String).join(' '));e.apply(console,arguments);};"
       "window.addEventListener('error',function(x){window.maestroErrors.push(String(x.message));});})();</script>\n";
  h += "<script>" + LibraryInScript(VegaJs()) + "</script>\n<script>" + LibraryInScript(VegaLiteJs()) +
       "</script>\n<script>" + LibraryInScript(VegaEmbedJs()) + "</script>\n</head><body>\n";

  h += "<header><h1>Does the protocol matter?</h1><p>" + Escape(input.source) + " &middot; " + std::to_string(a.rows) +
       " runs &middot; " + std::to_string(a.scenarios.size()) + " scenarios &times; " +
       std::to_string(a.protocols.size()) + " protocols (" + Escape([&] {
         std::string s;
         for (const auto& p : a.protocols) s += (s.empty() ? "" : ", ") + p;
         return s;
       }()) +
       ")</p></header>\n";
  h += "<nav><a href=\"#verdicts\">Verdicts</a><a href=\"#tables\">Tables</a><a href=\"#charts\">Charts</a>"
       "<a href=\"#anova\">ANOVA</a><a href=\"#assumptions\">Assumptions</a><a "
       "href=\"#methods\">Methods</a></nav>\n<main>\n";

  // Verdicts.
  h += "<section id=\"verdicts\"><h2>Verdicts</h2><p class=\"muted\">One card per scenario and metric. Each names the "
       "test that suits the data (chosen from the assumption checks below) and the effect size &omega;&sup2; "
       "(share of variance explained by protocol: 0.01 small, 0.06 medium, 0.14 large).</p>\n";
  h += "<ul class=\"summary\">";
  for (const auto& m : a.metrics) h += "<li>" + Escape(m.summary) + "</li>";
  h += "</ul>\n";
  for (const auto& scenario : a.scenarios) {
    h += "<h3>" + Escape(scenario) + "</h3><div class=\"verdicts\">\n";
    for (const auto& m : a.metrics) {
      for (const auto& s : m.per_scenario) {
        if (s.scenario != scenario) continue;
        const char* cls = s.protocol_matters ? "yes" : "no";
        const char* tag = s.protocol_matters       ? "protocol matters"
                          : s.trusted_test.empty() ? "not testable"
                                                   : "no evidence of a difference";
        h += std::string("<div class=\"card ") + cls + "\"><h4>" + Escape(m.metric) + "<span class=\"tag " + cls +
             "\">" + tag + "</span></h4><p>" + Escape(Symbols(s.verdict)) + "</p></div>\n";
      }
    }
    h += "</div>\n";
  }
  h += "</section>\n";

  // Thesis-style tables: one per scenario, metrics as columns with delta against the best protocol.
  h += "<section id=\"tables\"><h2>Results per scenario</h2><p class=\"muted\">Means over runs (p90 for latency); in "
       "brackets the difference from the best protocol of the scenario. Green marks the best.</p>\n";
  for (const auto& scenario : a.scenarios) {
    h += "<h3>" + Escape(scenario) + "</h3><div class=\"scroll\"><table><tr><th>protocol</th><th>runs</th>";
    for (const auto& m : a.metrics) {
      h += "<th>" + Escape(m.metric) + (m.higher_is_better ? " &uarr;" : " &darr;") + "</th>";
      if (IsLatency(m.metric)) h += "<th>" + Escape(m.metric) + " p90</th>";
    }
    h += "</tr>\n";
    for (const auto& protocol : a.protocols) {
      std::string row;
      int runs = 0;
      for (const auto& m : a.metrics) {
        for (const auto& c : m.descriptives) {
          if (c.scenario != scenario || c.protocol != protocol) continue;
          runs = std::max(runs, c.n);
          row += std::string("<td") + (c.best ? " class=\"best\"" : "") + ">" + Fmt(c.mean) +
                 " <span class=\"muted\">(" + Delta(c.delta_pct, c.best) + ")</span></td>";
          if (IsLatency(m.metric)) row += "<td>" + Fmt(c.p90) + "</td>";
        }
      }
      if (runs == 0) continue;
      h += "<tr><td>" + Escape(protocol) + "</td><td>" + std::to_string(runs) + "</td>" + row + "</tr>\n";
    }
    h += "</table></div>\n";
  }
  h += "</section>\n";

  // Charts.
  h += "<section id=\"charts\"><h2>Charts</h2><div class=\"charts\">\n";
  for (const auto& chart : charts) {
    const bool wide = chart.spec.contains("facet");
    h += std::string("<div") + (wide ? " class=\"wide\"" : "") + "><h3>" + Escape(chart.title) +
         "</h3><p class=\"caption\">" + Escape(chart.caption) + "</p><div class=\"chart\" id=\"" + chart.id +
         "\"></div></div>\n";
  }
  h += "</div>\n";
  if (input.histograms.empty()) {
    h += "<p class=\"muted\">No latency histograms were found beside the CSV, so there is no latency CDF.</p>\n";
  }
  h += "</section>\n";

  // ANOVA tables.
  const char* ss_type = a.ss_type == stats::SumOfSquaresType::kTypeII ? "II" : "III";
  h +=
      "<section id=\"anova\"><h2>Two-way ANOVA (scenario &times; protocol)</h2><p class=\"muted\">Type " +
      std::string(ss_type) + " sums of squares" +
      (a.ss_type == stats::SumOfSquaresType::kTypeIII ? " with sum-to-zero coding" : "") +
      ". &eta;&sup2; = SS<sub>effect</sub>/SS<sub>total</sub>; partial &eta;&sup2; = "
      "SS<sub>effect</sub>/(SS<sub>effect</sub>+SS<sub>residual</sub>); &omega;&sup2; = "
      "(SS<sub>effect</sub> &minus; df&middot;MS<sub>residual</sub>)/(SS<sub>total</sub>+MS<sub>residual</sub>).</p>\n";
  for (const auto& m : a.metrics) {
    h += "<h3>" + Escape(m.metric) +
         (m.transform == stats::Transform::kNone
              ? std::string()
              : " <span class=\"muted\">(analysed as " + std::string(stats::TransformName(m.transform)) + ")</span>") +
         "</h3>\n";
    if (!m.anova_ok) {
      h += "<p class=\"note\">Not run: " + Escape(m.anova_error) + ".</p>\n";
      continue;
    }
    h += "<table><tr><th>effect</th><th>SS</th><th>df</th><th>MS</th><th>F</th><th>p</th><th>&eta;&sup2;</th>"
         "<th>partial &eta;&sup2;</th><th>&omega;&sup2;</th></tr>\n";
    for (const auto& r : m.anova) {
      const bool residual = r.effect == "residual";
      h += "<tr><td>" + Escape(r.effect) + "</td><td>" + Fmt(r.ss) + "</td><td>" + Fmt(r.df) + "</td><td>" + Fmt(r.ms) +
           "</td><td>" + (residual ? "" : Fmt(r.f)) + "</td><td>" + (residual ? "" : FormatP(r.p)) + "</td><td>" +
           (residual ? "" : Fmt(r.eta_sq, 3)) + "</td><td>" + (residual ? "" : Fmt(r.partial_eta_sq, 3)) + "</td><td>" +
           (residual ? "" : Fmt(r.omega_sq, 3)) + "</td></tr>\n";
    }
    h += "</table>\n";
    const bool failed = m.anova_normality == stats::Check::kFailed || m.anova_equal_variance == stats::Check::kFailed;
    for (const auto& note : m.anova_notes) {
      h += std::string("<p class=\"") + (failed ? "note" : "good") + "\">" + Escape(Symbols(note)) + "</p>\n";
    }
  }
  h += "</section>\n";

  // Assumptions and per-scenario tests.
  h += "<section id=\"assumptions\"><h2>Assumptions and per-scenario tests</h2><p class=\"muted\">Shapiro&ndash;Wilk "
       "tests the residuals for normality; Levene's test (Brown&ndash;Forsythe, deviations from the median) tests "
       "equal variances. When normality fails, Kruskal&ndash;Wallis is trusted; when only equal variances fail, "
       "Welch's ANOVA and Games&ndash;Howell are.</p>\n";
  for (const auto& m : a.metrics) {
    h += "<h3>" + Escape(m.metric) +
         "</h3><div class=\"scroll\"><table class=\"wrap\"><tr><th>scenario</th><th>normality</th>"
         "<th>equal variances</th><th>ANOVA</th><th>Welch</th><th>Kruskal&ndash;Wallis</th><th>trusted</th>"
         "<th>&omega;&sup2;</th></tr>\n";
    for (const auto& s : m.per_scenario) {
      if (s.protocols.size() < 2) continue;
      h += "<tr><td>" + Escape(s.scenario) + "</td><td>" + CheckBadge(s.normality) +
           (s.shapiro.n ? " W=" + Fmt(s.shapiro.w) + ", p=" + FormatP(s.shapiro.p) : std::string()) + "</td><td>" +
           CheckBadge(s.equal_variance) + " W=" + Fmt(s.levene.w) + ", p=" + FormatP(s.levene.p) +
           "</td><td>F=" + Fmt(s.anova.f) + ", p=" + FormatP(s.anova.p) + "</td><td>F=" + Fmt(s.welch.f) +
           ", p=" + FormatP(s.welch.p) + "</td><td>H=" + Fmt(s.kruskal_wallis.h) +
           ", p=" + FormatP(s.kruskal_wallis.p) + "</td><td><b>" + Test(s.trusted_test) + "</b></td><td>" +
           Fmt(s.anova.omega_sq, 3) + " (" + stats::EffectSizeWord(s.anova.omega_sq) + ")</td></tr>\n";
    }
    h += "</table></div>\n";
    for (const auto& s : m.per_scenario) {
      const bool failed = s.normality == stats::Check::kFailed || s.equal_variance == stats::Check::kFailed;
      for (const auto& note : s.assumption_notes) {
        h += std::string("<p class=\"") + (failed ? "note" : "good") + "\"><b>" + Escape(s.scenario) + ":</b> " +
             Escape(Symbols(note)) + "</p>\n";
      }
    }
    for (const auto& s : m.per_scenario) {
      if (s.protocols.size() < 2) continue;
      h += "<details><summary>" + Escape(s.scenario) + ": pairwise comparisons (" + Test(s.trusted_posthoc) +
           " is the one to trust)</summary>";
      h += "<table><tr><th>pair</th><th>difference</th><th>Tukey p</th><th>Tukey 95% CI</th><th>Games&ndash;Howell "
           "df</th><th>Games&ndash;Howell p</th></tr>";
      for (std::size_t i = 0; i < s.tukey.size(); ++i) {
        const auto& t = s.tukey[i];
        const auto& g = s.games_howell[i];
        h += "<tr><td>" + Escape(t.a) + " &minus; " + Escape(t.b) + "</td><td>" + Fmt(t.diff) + "</td><td>" +
             FormatP(t.p) + "</td><td>[" + Fmt(t.ci_low) + ", " + Fmt(t.ci_high) + "]</td><td>" + Fmt(g.df, 3) +
             "</td><td>" + FormatP(g.p) + "</td></tr>";
      }
      h += "</table></details>\n";
    }
  }
  h += "</section>\n";

  // Methods.
  h += "<section id=\"methods\"><h2>Methods</h2>\n<p>Computed by <code>maestro analyze</code> from <code>" +
       Escape(input.source) +
       "</code>: descriptives per scenario &times; protocol cell (mean, SD, median, p90 by "
       "linear interpolation, 95% t-interval of the mean); a two-way ANOVA with interaction per metric; per "
       "scenario a one-way ANOVA, Welch's ANOVA, Kruskal&ndash;Wallis (tie-corrected), Tukey HSD (Tukey&ndash;Kramer) "
       "and Games&ndash;Howell on the studentized range distribution, Levene (Brown&ndash;Forsythe) and "
       "Shapiro&ndash;Wilk (Royston's AS R94) on the residuals. &alpha; = " +
       Fmt(a.alpha, 1) +
       ". p-values are "
       "printed as computed (3 significant digits), never rounded to a bound.</p>\n";
  std::string transforms;
  for (const auto& m : a.metrics) {
    if (m.transform != stats::Transform::kNone) {
      transforms += (transforms.empty() ? "" : ", ") + m.metric + " &rarr; " + stats::TransformName(m.transform);
    }
  }
  h += "<p>Transforms for the tests: " + (transforms.empty() ? std::string("none") : transforms) +
       " (descriptives and charts stay on the original scale).</p>\n";
  if (!a.ignored_columns.empty()) {
    std::string ignored;
    for (const auto& c : a.ignored_columns) ignored += (ignored.empty() ? "" : ", ") + c;
    h += "<p class=\"muted\">Non-numeric columns left out: " + Escape(ignored) + ".</p>\n";
  }
  if (!input.manifest_json.empty()) {
    json manifest = json::parse(input.manifest_json, nullptr, false);
    if (manifest.is_discarded()) {
      h += "<p class=\"note\">manifest.json is not valid JSON; it was not read.</p>\n";
    } else {
      std::vector<std::pair<std::string, std::string>> entries;
      AppendManifest(manifest, "", entries);
      h += "<h3>Experiment (from manifest.json)</h3><table class=\"kv\">";
      for (const auto& [key, value] : entries) {
        h += "<tr><td>" + Escape(key) + "</td><td style=\"text-align:left;white-space:normal\">" + Escape(value) +
             "</td></tr>";
      }
      h += "</table>\n";
    }
  } else {
    h +=
        "<p class=\"muted\">No manifest.json beside the CSV, so machine, versions and configuration are unknown.</p>\n";
  }
  h += "</section>\n</main>\n";

  json specs = json::object();
  for (const auto& chart : charts) specs[chart.id] = chart.spec;
  h += "<script>\nconst maestroSpecs = " + JsonInScript(specs.dump()) + ";\n" +
       R"js(Promise.allSettled(Object.entries(maestroSpecs).map(function (entry) {
  var element = document.getElementById(entry[0]);
  return vegaEmbed(element, entry[1], {renderer: 'svg', actions: false}).then(function () {
    element.dataset.rendered = 'true';
  }).catch(function (error) {
    element.dataset.rendered = 'false';
    console.error('chart ' + entry[0] + ': ' + error);
  });
})).then(function () {
  document.body.dataset.chartsDone = 'true';
  document.body.dataset.errors = JSON.stringify(window.maestroErrors);
});
</script>
</body></html>
)js";
  return h;
}

}  // namespace maestro::report
