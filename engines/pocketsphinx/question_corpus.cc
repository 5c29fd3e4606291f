#include "engines/pocketsphinx/question_corpus.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "common/text.h"
#include "engines/stt_eval/text_normalizer.h"

namespace maestro::pocketsphinx {
namespace {

bool IsSlotChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// A template split into literal text and slot references, alternating: text, slot, text, slot, ..., text.
struct Pieces {
  std::vector<std::string> texts;
  std::vector<std::string> slots;
};

Pieces Split(const std::string& line) {
  Pieces pieces;
  std::string text;
  for (size_t i = 0; i < line.size();) {
    if (line[i] == '$') {
      size_t end = i + 1;
      while (end < line.size() && IsSlotChar(line[end])) ++end;
      pieces.texts.push_back(text);
      pieces.slots.push_back(line.substr(i + 1, end - i - 1));
      text.clear();
      i = end;
    } else {
      text += line[i++];
    }
  }
  pieces.texts.push_back(text);
  return pieces;
}

std::string Squeeze(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

Result<std::vector<std::string>> ExpandTemplates(std::string_view templates, const std::set<std::string>& held_out,
                                                 size_t max_sentences) {
  std::map<std::string, std::vector<std::string>> slots;
  std::vector<std::string> sentences;
  std::istringstream lines{std::string(templates)};
  std::string raw;
  int line_number = 0;
  while (std::getline(lines, raw)) {
    ++line_number;
    const std::string line(Trim(raw));
    if (line.empty() || line[0] == '#') continue;
    const auto where = "line " + std::to_string(line_number);
    if (line[0] == '$' && line.find('=') != std::string::npos) {
      const auto eq = line.find('=');
      const std::string name(Trim(std::string_view(line).substr(1, eq - 1)));
      if (name.empty() || !std::all_of(name.begin(), name.end(), IsSlotChar)) {
        return InvalidArgument(where + ": malformed slot name");
      }
      std::vector<std::string> values;
      std::istringstream alternatives(line.substr(eq + 1));
      std::string value;
      while (std::getline(alternatives, value, '|')) {
        value = std::string(Trim(value));
        if (value.empty()) return InvalidArgument(where + ": empty value in slot $" + name);
        values.push_back(value);
      }
      slots[name] = std::move(values);
      continue;
    }
    const Pieces pieces = Split(line);
    std::vector<const std::vector<std::string>*> choices;
    for (const auto& slot : pieces.slots) {
      auto it = slots.find(slot);
      if (it == slots.end()) return InvalidArgument(where + ": undefined slot $" + slot);
      choices.push_back(&it->second);
    }
    // Odometer over the slots' values.
    std::vector<size_t> pick(choices.size(), 0);
    for (;;) {
      std::string sentence = pieces.texts[0];
      for (size_t s = 0; s < choices.size(); ++s) sentence += (*choices[s])[pick[s]] + pieces.texts[s + 1];
      sentence = Squeeze(sentence);
      if (!held_out.contains(stt_eval::NormalizeText(sentence))) {
        if (sentences.size() >= max_sentences) {
          return InvalidArgument(where + ": the corpus expands beyond " + std::to_string(max_sentences) + " sentences");
        }
        sentences.push_back(std::move(sentence));
      }
      size_t s = 0;
      while (s < pick.size() && ++pick[s] == choices[s]->size()) pick[s++] = 0;
      if (s == pick.size()) break;
    }
  }
  return sentences;
}

}  // namespace maestro::pocketsphinx
