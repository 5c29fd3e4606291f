#include "bench/runner/bench_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/parse_number.h"
#include "orchestrator/engine_sets.h"
#include "transport/transport.h"

namespace maestro::bench {

std::map<std::string, EmulatedProfile> ThesisEmulatedProfiles() {
  return {{"simple", {100, 100, 100}}, {"traditional", {300, 2000, 400}}, {"complex", {300, 4500, 700}}};
}

Status ApplyPreset(const std::string& preset, BenchConfig& config) {
  config.preset = preset;
  if (preset == "quick") {
    // All three protocols over all three scenarios, three runs a cell, in about eight minutes on two cores.
    config.protocols = {"rest", "grpc", "thrift"};
    config.scenarios = {"simple", "traditional", "complex"};
    config.users = QuickPreset::kUsers;
    config.rates.clear();
    config.duration = QuickPreset::kDuration;
    config.warmup = QuickPreset::kWarmup;
    config.runs = QuickPreset::kRuns;
    config.timeout = QuickPreset::kTimeout;
    return Status::Ok();
  }
  if (preset == "thesis") {
    // The original design: 3 protocols x 3 scenarios x 15 runs, 1000 constant VUs, 5 minutes each.
    config.protocols = {"rest", "grpc", "thrift"};
    config.scenarios = {"simple", "traditional", "complex"};
    config.users = 1000;
    config.rates.clear();
    config.duration = std::chrono::minutes(5);
    config.warmup = std::chrono::seconds(10);
    config.runs = 15;
    config.engines = "emulated";
    config.max_inflight = 1000;
    config.connections = 1000;
    return Status::Ok();
  }
  if (preset == "overhead") {
    // Zero-time emulated engines and an open-loop sweep: what is left is the protocol's own cost.
    config.protocols = {"inproc", "rest", "grpc", "thrift"};
    config.scenarios = {"zero"};
    config.rates = {100, 200, 400, 800};
    config.duration = std::chrono::milliseconds(5000);
    config.warmup = std::chrono::milliseconds(1000);
    config.runs = 2;
    config.engines = "emulated";
    config.emulated_profiles["zero"] = {0, 0, 0};
    return Status::Ok();
  }
  return InvalidArgument("unknown preset '" + preset + "'; known: quick, thesis, overhead");
}

Status ParseEmulatedProfile(const std::string& text, BenchConfig& config) {
  auto eq = text.find('=');
  if (eq == std::string::npos) return InvalidArgument("emulated profile '" + text + "' is not scenario=stt,llm,tts");
  std::string scenario = text.substr(0, eq);
  std::stringstream values(text.substr(eq + 1));
  std::vector<double> ms;
  std::string item;
  while (std::getline(values, item, ',')) {
    auto value = ParseNumber<double>(item);
    if (!value || !(*value >= 0) || *value > 600000) {
      return InvalidArgument("emulated profile '" + text + "': '" + item + "' is not milliseconds");
    }
    ms.push_back(*value);
  }
  if (ms.size() != 3 && ms.size() != 4) {
    return InvalidArgument("emulated profile '" + text + "' needs three times, stt,llm,tts, and maybe piece_ms");
  }
  config.emulated_profiles[scenario] = {ms[0], ms[1], ms[2], ms.size() == 4 ? ms[3] : 0};
  return Status::Ok();
}

Status ValidateBenchConfig(const BenchConfig& config) {
  if (config.protocols.empty()) return InvalidArgument("no protocols");
  auto known = TransportNames();
  for (const auto& protocol : config.protocols) {
    if (std::find(known.begin(), known.end(), protocol) == known.end()) {
      return InvalidArgument("unknown protocol '" + protocol + "'");
    }
  }
  if (config.scenarios.empty()) return InvalidArgument("no scenarios");
  if (config.rates.empty() && (config.users < 1 || config.users > 100000)) {
    return InvalidArgument("--users must be 1..100000");
  }
  for (double rate : config.rates) {
    if (!(rate > 0) || rate > 1e6) return InvalidArgument(fmt::format("rate {} must be in (0, 1e6]", rate));
  }
  if (config.runs < 1 || config.runs > 1000) return InvalidArgument("--runs must be 1..1000");
  if (config.duration < std::chrono::milliseconds(100)) return InvalidArgument("--duration must be at least 100ms");
  if (config.warmup < std::chrono::milliseconds(0)) return InvalidArgument("--warmup must not be negative");
  if (auto engines = ResolveEngineSet(config.engines); !engines.ok()) return engines.status();
  if (config.max_inflight < 1 || config.connections < 1) return InvalidArgument("limits must be positive");
  if (config.out_dir.empty()) return InvalidArgument("--out is empty");
  if (!(config.equivalence_margin > 0 && config.equivalence_margin < 1)) {
    return InvalidArgument("--equivalence-margin must be between 0 and 1 (0.05 is 5%)");
  }
  return Status::Ok();
}

std::vector<std::string> ScenarioLevels(const BenchConfig& config) {
  std::vector<std::string> levels;
  for (const auto& scenario : config.scenarios) {
    if (config.rates.empty()) {
      levels.push_back(scenario);
      continue;
    }
    for (double rate : config.rates) levels.push_back(fmt::format("{}@{:g}rps", scenario, rate));
  }
  return levels;
}

}  // namespace maestro::bench
