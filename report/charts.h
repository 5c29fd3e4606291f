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
};

// Grouped bars per scenario, box plots with run points, latency CDFs (when histograms are given) and
// per-process resource bars (from columns named <metric>@<process>, else the whole-run CPU and memory).
std::vector<Chart> BuildCharts(const ReportInput& input);

}  // namespace maestro::report
