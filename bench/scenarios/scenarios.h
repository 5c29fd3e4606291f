// The benchmark's scenarios (data/scenarios.yaml): the thesis's three questions, each in English and Brazilian
// Portuguese, with the knowledge that grounds its answer.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace maestro::bench {

struct Scenario {
  std::string id;  // "simple", "traditional", "complex"
  std::string description;
  std::string context;                           // "instruments", "glossary" or "prices"
  std::map<std::string, std::string> questions;  // language tag ("en", "pt-BR") -> question text
};

struct ScenarioSet {
  std::vector<Scenario> scenarios;            // file order
  std::map<std::string, std::string> voices;  // language tag -> default TTS voice ("en" -> "en-us")
};

// Parses the YAML document. RETURNS kInvalidArgument naming the scenario for a missing id, context or question,
// a duplicate id, or an unknown context.
Result<ScenarioSet> ParseScenarios(const std::string& yaml);
// RETURNS the parsed file, or kNotFound.
Result<ScenarioSet> LoadScenarios(const std::string& path);
// analyst::DefaultDataDir() + "/scenarios.yaml".
std::string DefaultScenariosPath();

}  // namespace maestro::bench
