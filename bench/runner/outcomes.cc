#include "bench/runner/outcomes.h"

#include "bench/runner/results_writer.h"

namespace maestro::bench {

nlohmann::json DeclaredOutcomes(double equivalence_margin, double alpha) {
  using nlohmann::json;
  // json::array() everywhere: a two-element brace list of strings would otherwise become an object.
  return {{"primary", json::array({"latency_ms", "p50_ms", "throughput_req_s"})},
          {"secondary", json::array({"cpu_usage_percent", "memory_usage_mb"})},
          {"exploratory",
           {{"columns", json::array({"p90_ms", "p99_ms", "error_rate"})},
            {"per_process_metrics", json::array({"cpu_usage_percent", "memory_usage_mb", "memory_peak_mb"})},
            {"processes", kServiceProcesses}}},
          {"transforms", json::object({{"latency_ms", "ln"}, {"p50_ms", "ln"}})},
          {"equivalence_margin", equivalence_margin},
          {"alpha", alpha},
          {"corrections",
           {{"primary", "Holm (omnibus tests; pairwise difference and TOST equivalence tests, each family apart)"},
            {"secondary_and_exploratory", "Benjamini-Hochberg across both tiers together"}}},
          {"min_runs_per_cell_for_tests", 3}};
}

namespace {

Result<std::vector<std::string>> Strings(const nlohmann::json& parent, const char* key) {
  if (!parent.contains(key)) return std::vector<std::string>{};
  const auto& list = parent[key];
  if (!list.is_array()) return InvalidArgument(std::string("manifest outcomes: ") + key + " is not a list");
  std::vector<std::string> out;
  for (const auto& item : list) {
    if (!item.is_string()) return InvalidArgument(std::string("manifest outcomes: ") + key + " holds a non-string");
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

Status ApplyDeclaredOutcomes(const nlohmann::json& outcomes, const stats::Table& table,
                             stats::AnalysisOptions& options) {
  if (!outcomes.is_object()) return InvalidArgument("manifest outcomes is not an object");
  auto primary = Strings(outcomes, "primary");
  auto secondary = Strings(outcomes, "secondary");
  if (!primary.ok()) return primary.status();
  if (!secondary.ok()) return secondary.status();
  const auto exploratory = outcomes.value("exploratory", nlohmann::json::object());
  auto columns = Strings(exploratory, "columns");
  auto metrics = Strings(exploratory, "per_process_metrics");
  auto processes = Strings(exploratory, "processes");
  if (!columns.ok() || !metrics.ok() || !processes.ok())
    return InvalidArgument("manifest outcomes.exploratory is malformed");
  auto present = [&table](const std::string& name) { return table.FindMetric(name) >= 0; };
  options.primary.clear();
  options.secondary.clear();
  options.metrics.clear();
  for (const auto& name : *primary) {
    if (present(name)) options.primary.push_back(name);
  }
  for (const auto& name : *secondary) {
    if (present(name)) options.secondary.push_back(name);
  }
  options.metrics = options.primary;
  options.metrics.insert(options.metrics.end(), options.secondary.begin(), options.secondary.end());
  for (const auto& name : *columns) {
    if (present(name)) options.metrics.push_back(name);
  }
  for (const auto& metric : *metrics) {
    for (const auto& process : *processes) {
      if (present(metric + "@" + process)) options.metrics.push_back(metric + "@" + process);
    }
  }
  const nlohmann::json transforms = outcomes.value("transforms", nlohmann::json::object());
  for (const auto& [metric, name] : transforms.items()) {
    if (!name.is_string()) return InvalidArgument("manifest outcomes.transforms." + metric + " is not a name");
    auto transform = stats::ParseTransform(name.get<std::string>());
    if (!transform.ok()) return transform.status();
    if (present(metric)) options.transforms[metric] = *transform;
  }
  if (outcomes.contains("equivalence_margin")) {
    if (!outcomes["equivalence_margin"].is_number()) return InvalidArgument("equivalence_margin is not a number");
    options.equivalence_margin = outcomes["equivalence_margin"].get<double>();
  }
  if (outcomes.contains("alpha") && outcomes["alpha"].is_number()) options.alpha = outcomes["alpha"].get<double>();
  if (options.metrics.empty()) return InvalidArgument("no declared outcome is a column of the results");
  return Status::Ok();
}

}  // namespace maestro::bench
