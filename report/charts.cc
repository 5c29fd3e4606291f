#include "report/charts.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "stats/summary.h"

namespace maestro::report {
namespace {

using nlohmann::json;

constexpr int kMaxPointsPerCell = 200;  // keeps a 100k-run report small; boxes still use every run

json Base(const std::string& y_title) {
  return {{"$schema", "https://vega.github.io/schema/vega-lite/v5.json"},
          {"width", 400},
          {"height", 240},
          {"config",
           {{"font", "system-ui, sans-serif"},
            {"view", {{"stroke", nullptr}}},
            {"axis", {{"labelFontSize", 12}, {"titleFontSize", 12}}}}},
          {"usermeta", {{"y_title", y_title}}}};
}

json ProtocolColor(const std::vector<std::string>& protocols) {
  return {{"field", "protocol"},
          {"type", "nominal"},
          {"title", "protocol"},
          {"scale", {{"domain", protocols}, {"scheme", "tableau10"}}}};
}

json ScenarioX(const std::vector<std::string>& scenarios) {
  return {{"field", "scenario"},
          {"type", "nominal"},
          {"title", nullptr},
          {"sort", scenarios},
          {"axis", {{"labelAngle", 0}}}};
}

std::string Unitless(const stats::MetricAnalysis& m) {
  return m.metric;
}

std::string Section(const stats::MetricAnalysis& m) {
  return m.tier == stats::OutcomeTier::kExploratory ? "exploratory" : "main";
}

Chart GroupedBars(const ReportInput& input, const stats::MetricAnalysis& m, int index) {
  const auto& a = *input.analysis;
  const PhysicalRange range = RangeOf(m.metric);
  json values = json::array();
  for (const auto& c : m.descriptives) {
    if (c.n == 0) continue;
    values.push_back(
        {{"scenario", c.scenario},
         {"protocol", c.protocol},
         {"mean", c.mean},
         {"ci_low", std::isnan(c.ci_low) ? c.mean : std::max(c.ci_low, range.low)},
         {"ci_high", std::isnan(c.ci_high) ? c.mean : std::min(c.ci_high, range.high)},
         {"n", c.n},
         {"delta", c.best ? "best" : (c.delta_pct >= 0 ? "+" : "") + std::to_string(c.delta_pct).substr(0, 5) + "%"}});
  }
  json spec = Base(m.metric);
  spec["data"] = {{"values", values}};
  json x = ScenarioX(a.scenarios);
  json offset = {{"field", "protocol"}, {"sort", a.protocols}};
  spec["encoding"] = {{"x", x}, {"xOffset", offset}};
  spec["layer"] = json::array(
      {{{"mark", {{"type", "bar"}, {"cornerRadiusEnd", 2}}},
        {"encoding",
         {{"y", {{"field", "mean"}, {"type", "quantitative"}, {"title", "mean " + Unitless(m)}}},
          {"color", ProtocolColor(a.protocols)},
          {"tooltip", json::array({{{"field", "scenario"}},
                                   {{"field", "protocol"}},
                                   {{"field", "mean"}, {"format", ".4~g"}},
                                   {{"field", "delta"}, {"title", "vs best"}},
                                   {{"field", "n"}}})}}}},
       {{"mark", {{"type", "rule"}, {"color", "#222"}, {"strokeWidth", 1.5}}},
        {"encoding", {{"y", {{"field", "ci_low"}, {"type", "quantitative"}}}, {"y2", {{"field", "ci_high"}}}}}}});
  return {"bars-" + std::to_string(index), "Mean " + m.metric + " per scenario",
          std::string("Bars are means, black lines their 95% confidence intervals (cut at the metric's possible "
                      "range); ") +
              (m.higher_is_better ? "higher" : "lower") + " is better.",
          spec, Section(m)};
}

// Boxes from every run (quartiles, Tukey whiskers); points from at most kMaxPointsPerCell runs per cell.
void BoxValues(const ReportInput& input, const std::string& metric_name, json& boxes, json& points) {
  const auto& a = *input.analysis;
  std::map<std::pair<std::string, std::string>, std::vector<double>> cells;
  const int metric = input.table->FindMetric(metric_name);
  const int scenario = input.table->FindFactor(a.scenario_factor);
  const int protocol = input.table->FindFactor(a.protocol_factor);
  for (std::size_t r = 0; r < input.table->row_count; ++r) {
    const double v = input.table->metric_values[metric][r];
    if (!std::isnan(v)) {
      cells[{input.table->factor_values[scenario][r], input.table->factor_values[protocol][r]}].push_back(v);
    }
  }
  for (auto& [key, values] : cells) {
    std::vector<double> sorted = stats::Sorted(values);
    const double q1 = stats::Quantile(sorted, 0.25), q3 = stats::Quantile(sorted, 0.75);
    const double iqr = q3 - q1;
    double low = sorted.back(), high = sorted.front();
    for (double v : sorted) {
      if (v >= q1 - 1.5 * iqr) low = std::min(low, v);
      if (v <= q3 + 1.5 * iqr) high = std::max(high, v);
    }
    boxes.push_back({{"scenario", key.first},
                     {"protocol", key.second},
                     {"q1", q1},
                     {"q3", q3},
                     {"median", stats::Quantile(sorted, 0.5)},
                     {"low", low},
                     {"high", high}});
    const std::size_t stride = std::max<std::size_t>(1, values.size() / kMaxPointsPerCell);
    for (std::size_t i = 0; i < values.size(); i += stride) {
      points.push_back({{"scenario", key.first}, {"protocol", key.second}, {"value", values[i]}, {"run", i + 1}});
    }
  }
}

Chart BoxPlot(const ReportInput& input, const stats::MetricAnalysis& m, int index) {
  const auto& a = *input.analysis;
  json boxes = json::array(), points = json::array();
  BoxValues(input, m.metric, boxes, points);
  json spec = Base(m.metric);
  json y_scale = {{"zero", false}};
  spec["encoding"] = {{"x", ScenarioX(a.scenarios)},
                      {"xOffset", {{"field", "protocol"}, {"sort", a.protocols}}},
                      {"color", ProtocolColor(a.protocols)}};
  spec["layer"] = json::array({
      {{"data", {{"values", boxes}}},
       {"mark", {{"type", "rule"}}},
       {"encoding",
        {{"y", {{"field", "low"}, {"type", "quantitative"}, {"scale", y_scale}, {"title", m.metric}}},
         {"y2", {{"field", "high"}}}}}},
      {{"data", {{"values", boxes}}},
       {"mark", {{"type", "bar"}, {"size", 16}, {"opacity", 0.55}}},
       {"encoding",
        {{"y", {{"field", "q1"}, {"type", "quantitative"}, {"scale", y_scale}}},
         {"y2", {{"field", "q3"}}},
         {"tooltip", json::array({{{"field", "protocol"}},
                                  {{"field", "median"}, {"format", ".4~g"}},
                                  {{"field", "q1"}, {"format", ".4~g"}},
                                  {{"field", "q3"}, {"format", ".4~g"}}})}}}},
      {{"data", {{"values", boxes}}},
       {"mark", {{"type", "tick"}, {"color", "#222"}, {"size", 16}, {"thickness", 2}}},
       {"encoding", {{"y", {{"field", "median"}, {"type", "quantitative"}, {"scale", y_scale}}}}}},
      {{"data", {{"values", points}}},
       {"mark", {{"type", "circle"}, {"size", 14}, {"opacity", 0.75}, {"stroke", "#fff"}, {"strokeWidth", 0.4}}},
       {"encoding",
        {{"y", {{"field", "value"}, {"type", "quantitative"}, {"scale", y_scale}}},
         {"tooltip",
          json::array({{{"field", "protocol"}}, {{"field", "run"}}, {{"field", "value"}, {"format", ".4~g"}}})}}}},
  });
  return {"box-" + std::to_string(index), "Distribution of " + m.metric + " (each dot is a run)",
          "Boxes span the middle half of the runs with the median as a dark tick; whiskers reach the furthest run "
          "within 1.5 box-lengths.",
          spec, Section(m)};
}

Chart LatencyCdf(const ReportInput& input) {
  const auto& a = *input.analysis;
  std::map<std::pair<std::string, std::string>, std::vector<HistogramBucket>> series;
  for (const auto& b : input.histograms) series[{b.scenario, b.protocol}].push_back(b);
  json values = json::array();
  for (auto& [key, buckets] : series) {
    std::sort(buckets.begin(), buckets.end(),
              [](const HistogramBucket& x, const HistogramBucket& y) { return x.upper_bound < y.upper_bound; });
    const double total = buckets.back().count;
    if (!(total > 0)) continue;
    for (const auto& b : buckets) {
      if (std::isinf(b.upper_bound)) continue;
      values.push_back(
          {{"scenario", key.first}, {"protocol", key.second}, {"le", b.upper_bound}, {"fraction", b.count / total}});
    }
  }
  // Bucket bounds usually grow geometrically, which a log axis spreads evenly.
  bool all_positive = true;
  for (const auto& v : values) all_positive = all_positive && v["le"].get<double>() > 0;
  json spec = Base("fraction");
  spec.erase("width");
  spec.erase("height");
  spec["data"] = {{"values", values}};
  spec["facet"] = {{"column", {{"field", "scenario"}, {"type", "nominal"}, {"sort", a.scenarios}, {"title", nullptr}}}};
  spec["spec"] = {
      {"width", 260},
      {"height", 220},
      {"mark", {{"type", "line"}, {"interpolate", "step-after"}, {"point", true}}},
      {"encoding",
       {{"x",
         {{"field", "le"},
          {"type", "quantitative"},
          {"title", "latency (bucket upper bound)"},
          {"scale", {{"type", all_positive ? "log" : "linear"}}}}},
        {"y",
         {{"field", "fraction"},
          {"type", "quantitative"},
          {"title", "fraction of requests <= x"},
          {"axis", {{"format", "%"}}}}},
        {"color", ProtocolColor(a.protocols)},
        {"tooltip",
         json::array({{{"field", "protocol"}}, {{"field", "le"}}, {{"field", "fraction"}, {"format", ".1%"}}})}}}};
  return {"cdf", "Latency CDF per scenario (from bench histograms)",
          "A curve further left means more requests finished sooner.", spec, "main"};
}

bool IsResource(const std::string& metric) {
  for (const char* word : {"cpu", "mem", "rss", "ram"}) {
    if (metric.find(word) != std::string::npos) return true;
  }
  return false;
}

Chart ResourceBars(const ReportInput& input) {
  const auto& a = *input.analysis;
  // Per-process columns are named <resource>@<process>; without them the whole-run resource metrics are shown.
  json values = json::array();
  bool per_process = false;
  for (const auto& m : a.metrics) per_process |= m.metric.find('@') != std::string::npos && IsResource(m.metric);
  for (const auto& m : a.metrics) {
    const auto at = m.metric.find('@');
    if (!IsResource(m.metric) || per_process != (at != std::string::npos)) continue;
    const std::string resource = per_process ? m.metric.substr(0, at) : m.metric;
    const std::string process = per_process ? m.metric.substr(at + 1) : std::string("whole run");
    for (const auto& c : m.descriptives) {
      if (c.n == 0) continue;
      values.push_back({{"resource", resource},
                        {"process", process},
                        {"scenario", c.scenario},
                        {"protocol", c.protocol},
                        {"mean", c.mean}});
    }
  }
  json spec = Base("mean");
  spec.erase("width");
  spec.erase("height");
  spec["data"] = {{"values", values}};
  spec["facet"] = {{"row", {{"field", "resource"}, {"type", "nominal"}, {"title", nullptr}}},
                   {"column", {{"field", "scenario"}, {"type", "nominal"}, {"sort", a.scenarios}, {"title", nullptr}}}};
  spec["resolve"] = {{"scale", {{"y", "independent"}}}};
  spec["spec"] = {
      {"width", 220},
      {"height", 150},
      {"mark", {{"type", "bar"}, {"cornerRadiusEnd", 2}}},
      {"encoding",
       {{"x", {{"field", "process"}, {"type", "nominal"}, {"title", nullptr}, {"axis", {{"labelAngle", 0}}}}},
        {"xOffset", {{"field", "protocol"}, {"sort", a.protocols}}},
        {"y", {{"field", "mean"}, {"type", "quantitative"}, {"title", "mean"}}},
        {"color", ProtocolColor(a.protocols)},
        {"tooltip",
         json::array({{{"field", "process"}}, {{"field", "protocol"}}, {{"field", "mean"}, {"format", ".4~g"}}})}}}};
  return {"resources", per_process ? "Resource use per process" : "Resource use (whole run)",
          per_process ? "Mean CPU and memory of each process, by protocol."
                      : "The CSV has no per-process columns (<metric>@<process>), so these are the whole-run means.",
          spec, per_process ? "exploratory" : "main"};
}

// One row per primary outcome and scenario: each protocol's ratio to the first protocol with its 95% CI, over the
// shaded equivalence band. Ratios come from the analysis's comparisons (reference first, so they are inverted).
json AnswerValues(const stats::AnalysisResult& a) {
  json values = json::array();
  const std::string& reference = a.protocols.front();
  const double band_high = 1 + a.equivalence_margin, band_low = 1 / band_high;
  for (const auto& m : a.metrics) {
    if (m.tier != stats::OutcomeTier::kPrimary) continue;
    for (const auto& scenario : a.scenarios) {
      values.push_back({{"kind", "band"},
                        {"outcome", m.metric},
                        {"scenario", scenario},
                        {"low", band_low},
                        {"high", band_high},
                        {"one", 1.0}});
      for (const auto& c : m.comparisons) {
        if (c.scenario != scenario || c.a != reference || std::isnan(c.ratio.ratio)) continue;
        const bool has_ci = !std::isnan(c.ratio.ci_low);
        values.push_back({{"kind", "ratio"},
                          {"outcome", m.metric},
                          {"scenario", scenario},
                          {"protocol", c.b},
                          {"ratio", 1 / c.ratio.ratio},
                          {"low", has_ci ? 1 / c.ratio.ci_high : 1 / c.ratio.ratio},
                          {"high", has_ci ? 1 / c.ratio.ci_low : 1 / c.ratio.ratio},
                          {"verdict", c.outcome}});
      }
    }
  }
  return values;
}

json NoLegend(json encoding) {
  encoding["legend"] = nullptr;
  return encoding;
}

json Filter(const char* kind) {
  return json::array({{{"filter", std::string("datum.kind === '") + kind + "'"}}});
}

Chart AnswerChart(const stats::AnalysisResult& a) {
  const std::string& reference = a.protocols.front();
  json values = AnswerValues(a);
  // A linear axis just wide enough for every interval and the band: ratios near 1 read as percentages.
  double low = 1 / (1 + a.equivalence_margin), high = 1 + a.equivalence_margin;
  for (const auto& v : values) {
    low = std::min(low, v["low"].get<double>());
    high = std::max(high, v["high"].get<double>());
  }
  const double pad = 0.04 * (high - low);
  json x_scale = {{"domain", {low - pad, high + pad}}, {"nice", false}, {"zero", false}};
  json x = {{"field", "ratio"}, {"type", "quantitative"}, {"scale", x_scale}, {"title", "ratio to " + reference}};
  json spec = Base("ratio");
  spec.erase("width");
  spec.erase("height");
  spec["data"] = {{"values", values}};
  spec["facet"] = {{"row",
                    {{"field", "outcome"},
                     {"type", "nominal"},
                     {"title", nullptr},
                     {"header", {{"labelAngle", 0}, {"labelAlign", "left"}, {"labelOrient", "top"}}}}},
                   {"column", {{"field", "scenario"}, {"type", "nominal"}, {"sort", a.scenarios}, {"title", nullptr}}}};
  spec["spec"] = {
      {"width", 210},
      {"height", 22.0 * static_cast<double>(a.protocols.size() - 1) + 8},
      {"layer",
       json::array(
           {{{"transform", Filter("band")},
             {"mark", {{"type", "rect"}, {"color", "#17803d"}, {"opacity", 0.15}}},
             {"encoding",
              {{"x", {{"field", "low"}, {"type", "quantitative"}, {"scale", x_scale}}}, {"x2", {{"field", "high"}}}}}},
            {{"transform", Filter("band")},
             {"mark", {{"type", "rule"}, {"color", "#5b6675"}, {"strokeDash", {3, 3}}}},
             {"encoding", {{"x", {{"field", "one"}, {"type", "quantitative"}, {"scale", x_scale}}}}}},
            {{"transform", Filter("ratio")},
             {"mark", {{"type", "rule"}, {"strokeWidth", 2}}},
             {"encoding",
              {{"x",
                {{"field", "low"}, {"type", "quantitative"}, {"scale", x_scale}, {"title", "ratio to " + reference}}},
               {"x2", {{"field", "high"}}},
               {"y", {{"field", "protocol"}, {"type", "nominal"}, {"title", nullptr}}},
               {"color", NoLegend(ProtocolColor(a.protocols))}}}},
            {{"transform", Filter("ratio")},
             {"mark", {{"type", "point"}, {"filled", true}, {"size", 60}}},
             {"encoding",
              {{"x", x},
               {"y", {{"field", "protocol"}, {"type", "nominal"}, {"title", nullptr}}},
               {"color", NoLegend(ProtocolColor(a.protocols))},
               {"tooltip", json::array({{{"field", "protocol"}},
                                        {{"field", "ratio"}, {"format", ".3f"}},
                                        {{"field", "low"}, {"format", ".3f"}, {"title", "95% CI low"}},
                                        {{"field", "high"}, {"format", ".3f"}, {"title", "95% CI high"}},
                                        {{"field", "verdict"}}})}}}}})}};
  return {"answer-chart", "Primary outcomes relative to " + reference,
          "Dots: ratio of means to " + reference + "; lines: 95% CIs; green band: \u00b1" +
              std::to_string(static_cast<int>(std::lround(100 * a.equivalence_margin))) +
              "% equivalence margin. The intervals are unadjusted; the verdicts above are Holm-adjusted over every "
              "primary comparison, so a line just clear of 1 (or just inside the band) can still be inconclusive.",
          spec, "answer"};
}

bool HasValues(const Chart& chart) {
  if (chart.spec.contains("data") && chart.spec["data"].contains("values"))
    return !chart.spec["data"]["values"].empty();
  for (const auto& layer : chart.spec.value("layer", json::array())) {
    if (layer.contains("data") && !layer["data"]["values"].empty()) return true;
  }
  return false;
}

}  // namespace

PhysicalRange RangeOf(const std::string& metric) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (metric.find("error_rate") != std::string::npos) return {0, 1};
  for (const char* word : {"latency", "_ms", "cpu", "mem", "rss", "ram", "throughput", "req_s", "rps", "per_s", "bytes",
                           "requests", "errors"}) {
    if (metric.find(word) != std::string::npos) return {0, kInf};
  }
  return {-kInf, kInf};
}

std::vector<Chart> BuildCharts(const ReportInput& input) {
  const auto& a = *input.analysis;
  std::vector<Chart> charts;
  bool any_primary = false;
  for (const auto& m : a.metrics) any_primary |= m.tier == stats::OutcomeTier::kPrimary;
  if (any_primary) {
    Chart answer = AnswerChart(a);
    const auto& values = answer.spec["data"]["values"];
    if (std::any_of(values.begin(), values.end(), [](const json& v) { return v["kind"] == "ratio"; })) {
      charts.push_back(std::move(answer));
    }
  }
  int index = 0;
  for (const auto& m : a.metrics) charts.push_back(GroupedBars(input, m, index++));
  if (input.table) {
    index = 0;
    for (const auto& m : a.metrics) {
      if (input.table->FindMetric(m.metric) >= 0) charts.push_back(BoxPlot(input, m, index));
      ++index;
    }
  }
  if (!input.histograms.empty()) charts.push_back(LatencyCdf(input));
  bool any_resource = false;
  for (const auto& m : a.metrics) any_resource |= IsResource(m.metric);
  if (any_resource) charts.push_back(ResourceBars(input));
  std::erase_if(charts, [](const Chart& chart) { return !HasValues(chart); });
  return charts;
}

}  // namespace maestro::report
