#include "engines/analyst/text.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>

#include "common/number_words.h"
#include "common/text.h"

namespace maestro::analyst {
namespace {

const std::set<std::string, std::less<>>& Stopwords() {
  static const std::set<std::string, std::less<>> kWords = {
      // English
      "a", "an", "the", "of", "and", "or", "is", "are", "was", "were", "be", "been", "what", "which", "who", "how",
      "in", "on", "at", "to", "for", "from", "by", "with", "about", "as", "it", "its", "this", "that", "these", "those",
      "do", "does", "did", "me", "my", "i", "you", "your", "tell", "please", "can", "could", "would", "there", "their",
      "them", "they", "we", "our", "between", "than", "then", "so", "if", "into", "any", "some",
      // Portuguese (folded)
      "o", "os", "as", "um", "uma", "uns", "umas", "de", "do", "da", "dos", "das", "e", "ou", "em", "no", "na", "nos",
      "nas", "por", "para", "pra", "com", "sem", "que", "qual", "quais", "quem", "como", "ao", "aos", "se", "sao",
      "foi", "foram", "ser", "era", "eu", "me", "meu", "minha", "voce", "seu", "sua", "isso", "isto", "esse", "essa",
      "este", "esta", "entre", "mais", "muito", "pelo", "pela", "num", "numa", "ja", "ha"};
  return kWords;
}

struct NumberWord {
  int value;
  enum Kind { kUnit, kTeen, kTens, kHundreds, kHundred, kThousand } kind;
};

const std::map<std::string, NumberWord, std::less<>>& NumberWords() {
  using K = NumberWord;
  static const auto kWords = [] {
    // English from the shared table (common/number_words.h), up to "thousand"; Portuguese here.
    std::map<std::string, NumberWord, std::less<>> words;
    for (const auto& english : kEnglishNumberWords) {
      if (english.value > 1000) continue;
      const auto kind = english.kind == maestro::NumberWord::kUnit      ? K::kUnit
                        : english.kind == maestro::NumberWord::kTeen    ? K::kTeen
                        : english.kind == maestro::NumberWord::kTens    ? K::kTens
                        : english.kind == maestro::NumberWord::kHundred ? K::kHundred
                                                                        : K::kThousand;
      words.emplace(english.word, NumberWord{static_cast<int>(english.value), kind});
    }
    words.insert({
        {"um", {1, K::kUnit}},
        {"uma", {1, K::kUnit}},
        {"dois", {2, K::kUnit}},
        {"duas", {2, K::kUnit}},
        {"tres", {3, K::kUnit}},
        {"quatro", {4, K::kUnit}},
        {"cinco", {5, K::kUnit}},
        {"seis", {6, K::kUnit}},
        {"sete", {7, K::kUnit}},
        {"oito", {8, K::kUnit}},
        {"nove", {9, K::kUnit}},
        {"dez", {10, K::kTeen}},
        {"onze", {11, K::kTeen}},
        {"doze", {12, K::kTeen}},
        {"treze", {13, K::kTeen}},
        {"catorze", {14, K::kTeen}},
        {"quatorze", {14, K::kTeen}},
        {"quinze", {15, K::kTeen}},
        {"dezesseis", {16, K::kTeen}},
        {"dezessete", {17, K::kTeen}},
        {"dezoito", {18, K::kTeen}},
        {"dezenove", {19, K::kTeen}},
        {"vinte", {20, K::kTens}},
        {"trinta", {30, K::kTens}},
        {"quarenta", {40, K::kTens}},
        {"cinquenta", {50, K::kTens}},
        {"sessenta", {60, K::kTens}},
        {"setenta", {70, K::kTens}},
        {"oitenta", {80, K::kTens}},
        {"noventa", {90, K::kTens}},
        {"cem", {100, K::kHundreds}},
        {"cento", {100, K::kHundreds}},
        {"duzentos", {200, K::kHundreds}},
        {"trezentos", {300, K::kHundreds}},
        {"quatrocentos", {400, K::kHundreds}},
        {"quinhentos", {500, K::kHundreds}},
        {"seiscentos", {600, K::kHundreds}},
        {"setecentos", {700, K::kHundreds}},
        {"oitocentos", {800, K::kHundreds}},
        {"novecentos", {900, K::kHundreds}},
        {"mil", {1000, K::kThousand}},
    });
    return words;
  }();
  return kWords;
}

const NumberWord* FindNumberWord(std::string_view token) {
  auto it = NumberWords().find(token);
  return it == NumberWords().end() ? nullptr : &it->second;
}

bool IsConnector(std::string_view token) {
  return token == "and" || token == "e";
}

// Converts one run of number words (connectors already removed) to digits.
std::string RunToDigits(const std::vector<const NumberWord*>& run) {
  bool has_scale = false;
  for (const auto* word : run) {
    has_scale |= word->kind == NumberWord::kHundred || word->kind == NumberWord::kThousand ||
                 word->kind == NumberWord::kHundreds;
  }
  if (has_scale) {
    int64_t total = 0;
    int64_t current = 0;
    for (const auto* word : run) {
      switch (word->kind) {
        case NumberWord::kHundred:
          current = (current == 0 ? 1 : current) * 100;
          break;
        case NumberWord::kThousand:
          total += (current == 0 ? 1 : current) * 1000;
          current = 0;
          break;
        default:
          current += word->value;
      }
    }
    return std::to_string(total + current);
  }
  // Without scale words, speech groups digits in pairs: "twenty twenty four" is 20|24, "nineteen ninety" 19|90.
  std::vector<int> groups;
  bool open_tens = false;
  for (const auto* word : run) {
    if (word->kind == NumberWord::kUnit && open_tens) {
      groups.back() += word->value;
      open_tens = false;
    } else {
      groups.push_back(word->value);
      open_tens = word->kind == NumberWord::kTens;
    }
  }
  if (groups.size() == 2 && groups[0] >= 10 && groups[1] >= 10) return std::to_string(groups[0] * 100 + groups[1]);
  std::string digits;
  for (int group : groups) digits += std::to_string(group);
  return digits;
}

}  // namespace

const char* LanguageTag(Language language) {
  return language == Language::kPortuguese ? "pt-BR" : "en";
}

std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) tokens.push_back(std::move(current));
    current.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') {
        current += static_cast<char>(c - 'A' + 'a');
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        current += static_cast<char>(c);
      } else {
        flush();
      }
      continue;
    }
    // A two-byte UTF-8 sequence C3 xx encodes U+00C0..U+00FF.
    if (c == 0xC3 && i + 1 < text.size()) {
      auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0xBF) {
        char folded = FoldLatin1(next);  // '\0' for × and ÷, which separate tokens
        ++i;
        if (folded != '\0') {
          current += folded;
          continue;
        }
      }
    }
    flush();
    while (i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) ++i;
  }
  flush();
  return tokens;
}

std::vector<std::string> NumberWordsToDigits(const std::vector<std::string>& tokens) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < tokens.size()) {
    if (!FindNumberWord(tokens[i])) {
      out.push_back(tokens[i++]);
      continue;
    }
    std::vector<const NumberWord*> run;
    size_t j = i;
    while (j < tokens.size()) {
      if (const auto* word = FindNumberWord(tokens[j])) {
        run.push_back(word);
        ++j;
      } else if (IsConnector(tokens[j]) && !run.empty() && j + 1 < tokens.size() && FindNumberWord(tokens[j + 1])) {
        ++j;
      } else {
        break;
      }
    }
    bool lone_article = run.size() == 1 && run[0]->value == 1 && run[0]->kind == NumberWord::kUnit;
    if (lone_article) {
      out.push_back(tokens[i]);
    } else {
      out.push_back(RunToDigits(run));
    }
    i = j;
  }
  return out;
}

std::vector<std::string> NormalizeQuestion(std::string_view text) {
  return NumberWordsToDigits(Tokenize(text));
}

bool IsStopword(std::string_view token) {
  return Stopwords().count(token) > 0;
}

Language DetectLanguage(std::string_view text) {
  static const std::set<std::string, std::less<>> kPortuguese = {
      "qual",        "quais",   "o",        "os",           "as",         "um",         "uma",
      "de",          "do",      "da",       "dos",          "das",        "e",          "em",
      "no",          "na",      "que",      "sao",          "foi",        "foram",      "melhores",
      "melhor",      "piores",  "pior",     "acoes",        "acao",       "diferenca",  "entre",
      "renda",       "fixa",    "como",     "quanto",       "quanta",     "retorno",    "rentabilidade",
      "codigo",      "simbolo", "empresa",  "para",         "nao",        "voce",       "ano",
      "com",         "por",     "cento",    "volatilidade", "queda",      "maxima",     "comparar",
      "compare",     "mais",    "menos",    "bolsa",        "preco",      "cotacao",    "desempenho",
      "valorizacao", "sobre",   "explique", "significa",    "dividendos", "negociacao", "mil"};
  static const std::set<std::string, std::less<>> kEnglish = {
      "what",   "which",  "were",  "was",        "is",         "the",     "of",      "and",    "best",
      "worst",  "stocks", "stock", "between",    "difference", "symbol",  "how",     "much",   "did",
      "year",   "in",     "on",    "for",        "return",     "price",   "company", "shares", "to",
      "from",   "tell",   "me",    "about",      "compare",    "explain", "means",   "does",   "thousand",
      "twenty", "income", "fixed", "performing", "index"};
  int portuguese = 0;
  int english = 0;
  // Accented vowels, ç and the tilde are strong Portuguese signals in typed text.
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) == 0xC3) {
      auto next = static_cast<unsigned char>(text[i + 1]);
      if (next == 0xA3 || next == 0xA7 || next == 0xB5 || next == 0xA9 || next == 0xAA || next == 0xA1 ||
          next == 0xB3 || next == 0xAD || next == 0xBA || next == 0xA2 || next == 0xB4) {
        portuguese += 2;
      }
    }
  }
  for (const auto& token : Tokenize(text)) {
    portuguese += kPortuguese.count(token) > 0;
    english += kEnglish.count(token) > 0;
  }
  return portuguese > english ? Language::kPortuguese : Language::kEnglish;
}

int CountWords(std::string_view text) {
  int words = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

}  // namespace maestro::analyst
