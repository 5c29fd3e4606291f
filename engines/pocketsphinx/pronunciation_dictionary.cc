#include "engines/pocketsphinx/pronunciation_dictionary.h"

#include <map>
#include <vector>

namespace maestro::pocketsphinx {
namespace {

// "word(2)" -> "word".
std::string_view BaseWord(std::string_view entry) {
  const auto paren = entry.find('(');
  return paren == std::string_view::npos ? entry : entry.substr(0, paren);
}

}  // namespace

Result<std::string> SelectPronunciations(const std::set<std::string>& words,
                                         const std::vector<std::string_view>& dictionaries) {
  std::map<std::string, std::vector<std::string>> chosen;
  for (std::string_view dictionary : dictionaries) {
    std::map<std::string, std::vector<std::string>> found;
    size_t start = 0;
    while (start < dictionary.size()) {
      size_t end = dictionary.find('\n', start);
      if (end == std::string_view::npos) end = dictionary.size();
      std::string_view line = dictionary.substr(start, end - start);
      start = end + 1;
      const auto space = line.find_first_of(" \t");
      if (space == std::string_view::npos || line.empty() || line[0] == '#') continue;
      const std::string base(BaseWord(line.substr(0, space)));
      if (words.contains(base) && !chosen.contains(base)) found[base].emplace_back(line);
    }
    for (auto& [word, lines] : found) chosen.emplace(word, std::move(lines));
  }
  std::string missing;
  for (const auto& word : words) {
    if (!chosen.contains(word)) missing += (missing.empty() ? "" : ", ") + word;
  }
  if (!missing.empty()) return InvalidArgument("no pronunciation for: " + missing);
  std::string text;
  for (const auto& [word, lines] : chosen) {
    for (const auto& line : lines) text += line + "\n";
  }
  return text;
}

}  // namespace maestro::pocketsphinx
