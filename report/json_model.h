// The analysis as a JSON document (schema in docs/analyze.md); shared by the JSON and HTML writers.
#pragma once

#include <nlohmann/json.hpp>

#include "report/report.h"

namespace maestro::report {

nlohmann::json AnalysisToJson(const ReportInput& input);

}  // namespace maestro::report
