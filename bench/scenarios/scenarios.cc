#include "bench/scenarios/scenarios.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "engines/analyst/csv.h"
#include "engines/analyst/data_dir.h"

namespace maestro::bench {

Result<ScenarioSet> ParseScenarios(const std::string& yaml) {
  ScenarioSet set;
  try {
    YAML::Node root = YAML::Load(yaml);
    if (!root.IsMap() || !root["scenarios"] || !root["scenarios"].IsSequence()) {
      return InvalidArgument("scenarios file needs a 'scenarios' list");
    }
    if (root["voices"]) set.voices = root["voices"].as<std::map<std::string, std::string>>();
    std::set<std::string> ids;
    for (const auto& node : root["scenarios"]) {
      Scenario scenario;
      if (!node.IsMap() || !node["id"] || !node["context"] || !node["questions"]) {
        return InvalidArgument("every scenario needs id, context and questions");
      }
      scenario.id = node["id"].as<std::string>();
      scenario.context = node["context"].as<std::string>();
      if (node["description"]) scenario.description = node["description"].as<std::string>();
      scenario.questions = node["questions"].as<std::map<std::string, std::string>>();
      if (!ids.insert(scenario.id).second) return InvalidArgument("duplicate scenario '" + scenario.id + "'");
      if (scenario.context != "instruments" && scenario.context != "glossary" && scenario.context != "prices") {
        return InvalidArgument("scenario '" + scenario.id + "': context must be instruments, glossary or prices");
      }
      if (!scenario.questions.count("en") || !scenario.questions.count("pt-BR")) {
        return InvalidArgument("scenario '" + scenario.id + "' needs questions in en and pt-BR");
      }
      set.scenarios.push_back(std::move(scenario));
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("scenarios file: ") + e.what());
  }
  return set;
}

Result<ScenarioSet> LoadScenarios(const std::string& path) {
  auto text = analyst::ReadFileLimited(path, 1u << 20);
  if (!text.ok()) return text.status();
  return ParseScenarios(*text);
}

std::string DefaultScenariosPath() {
  return analyst::DefaultDataDir() + "/scenarios.yaml";
}

}  // namespace maestro::bench
