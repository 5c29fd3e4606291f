// Vega-Lite specifications for the HTML report's charts, built from the analysis (and the raw runs when given).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/report.h"

namespace maestro::report {

struct Chart {
  std::string id;  // DOM id, unique in the report
  std::string title;
  std::string caption;  // one sentence telling a reader what to look at
  nlohmann::json spec;  // Vega-Lite v5
  std::string section;  // where the report puts it: "answer", "main" or "exploratory"
};

// The answer chart (primary outcomes as ratios to the first protocol, with 95% CIs and the equivalence band),
// grouped bars per scenario (CIs clipped to the metric's physical range), box plots with run points, latency
// CDFs (when histograms are given) and per-process resource bars (from columns named <metric>@<process>, else the
// whole-run CPU and memory). A chart with nothing to draw is left out.
std::vector<Chart> BuildCharts(const ReportInput& input);

// The range a metric's values can take, known from its name: [0, inf) for times, rates, CPU, memory, counts and
// bytes, [0, 1] for error rates; (-inf, inf) otherwise. Error bars are clipped to it.
struct PhysicalRange {
  double low, high;
};
PhysicalRange RangeOf(const std::string& metric);

}  // namespace maestro::report
