#include "engines/analyst/glossary.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "engines/analyst/csv.h"

namespace maestro::analyst {
namespace {

// Terms count three times in their document: a question names the concept more often than it paraphrases it.
constexpr int kTermWeight = 3;

}  // namespace

std::vector<std::string> ContentTokens(const std::vector<std::string>& tokens) {
  std::vector<std::string> content;
  for (const auto& token : tokens) {
    if (!IsStopword(token)) content.push_back(token);
  }
  return content;
}

Result<Glossary> Glossary::Parse(const std::string& yaml) {
  Glossary glossary;
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("glossary is not valid YAML: ") + e.what());
  }
  if (!root.IsSequence()) return InvalidArgument("glossary must be a YAML list of entries");
  std::set<std::string> ids;
  for (size_t i = 0; i < root.size(); ++i) {
    const YAML::Node& node = root[i];
    std::string where = "glossary entry " + std::to_string(i + 1) + ": ";
    try {
      if (!node.IsMap() || !node["id"] || !node["terms"] || !node["en"] || !node["pt"]) {
        return InvalidArgument(where + "needs id, terms, en and pt");
      }
      GlossaryEntry entry;
      entry.id = node["id"].as<std::string>();
      entry.terms = node["terms"].as<std::vector<std::string>>();
      entry.en = node["en"].as<std::string>();
      entry.pt = node["pt"].as<std::string>();
      where = "glossary entry '" + entry.id + "': ";
      if (!ids.insert(entry.id).second) return InvalidArgument(where + "duplicate id");
      if (entry.terms.empty()) return InvalidArgument(where + "needs at least one term");
      for (const auto* text : {&entry.en, &entry.pt}) {
        if (text->empty() || CountWords(*text) > kMaxDefinitionWords) {
          return InvalidArgument(where + "definitions must have 1 to 24 words");
        }
      }
      for (const auto& term : entry.terms) entry.term_tokens.push_back(Tokenize(term));
      glossary.entries_.push_back(std::move(entry));
    } catch (const YAML::Exception& e) {
      return InvalidArgument(where + e.what());
    }
  }
  for (const auto& entry : glossary.entries_) {
    std::vector<std::string> document;
    for (const auto& term : entry.term_tokens) {
      for (int k = 0; k < kTermWeight; ++k) {
        for (const auto& token : ContentTokens(term)) document.push_back(token);
      }
    }
    for (const auto* text : {&entry.en, &entry.pt}) {
      for (const auto& token : ContentTokens(NormalizeQuestion(*text))) document.push_back(token);
    }
    glossary.index_.Add(document);
  }
  return glossary;
}

Result<Glossary> Glossary::LoadFile(const std::string& path) {
  auto text = ReadFileLimited(path, 4u << 20);
  if (!text.ok()) return text.status();
  return Parse(*text);
}

std::vector<const GlossaryEntry*> Glossary::Search(const std::vector<std::string>& tokens, size_t limit) const {
  std::vector<const GlossaryEntry*> entries;
  for (const auto& hit : index_.Search(ContentTokens(tokens), limit)) entries.push_back(&entries_[hit.document]);
  return entries;
}

const GlossaryEntry* Glossary::Lookup(const std::vector<std::string>& tokens) const {
  auto content = ContentTokens(tokens);
  std::set<std::string> asked(content.begin(), content.end());
  for (const auto* entry : Search(tokens, 8)) {
    for (const auto& term : entry->term_tokens) {
      auto words = ContentTokens(term);
      // Multi-word terms need every word ("fixed income"), so "income tax" does not ground "fixed income".
      bool named = !words.empty() && std::all_of(words.begin(), words.end(),
                                                 [&](const std::string& word) { return asked.count(word) > 0; });
      if (named) return entry;
    }
  }
  return nullptr;
}

}  // namespace maestro::analyst
