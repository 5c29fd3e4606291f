// Text normalisation for the analyst: questions arrive typed or from speech recognition (lower case, no
// punctuation, numbers as words), in English or Brazilian Portuguese. Everything here is pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace maestro::analyst {

enum class Language { kEnglish, kPortuguese };

// RETURNS "en" or "pt-BR", the tag that Generation.language carries.
const char* LanguageTag(Language language);

// Lower-cases, folds Latin-1 accents to ASCII ("ação" -> "acao") and splits on every character that is not an
// ASCII letter or digit. Other non-ASCII characters separate tokens.
std::vector<std::string> Tokenize(std::string_view text);

// Replaces runs of English or Portuguese number words with digits: "twenty twenty four" -> "2024",
// "two thousand and twenty four" -> "2024", "dois mil e vinte e quatro" -> "2024". A lone "one"/"um"/"uma" stays
// a word because it is usually an article or pronoun.
std::vector<std::string> NumberWordsToDigits(const std::vector<std::string>& tokens);

// Tokenize followed by NumberWordsToDigits: the form every matcher in the analyst works on.
std::vector<std::string> NormalizeQuestion(std::string_view text);

// RETURNS true for English and Portuguese function words ("the", "of", "de", "o", ...), after folding.
bool IsStopword(std::string_view token);

// Guesses the language of `text` from accents and Portuguese/English function words. English wins ties.
Language DetectLanguage(std::string_view text);

// RETURNS the number of whitespace-separated words in `text`.
int CountWords(std::string_view text);

}  // namespace maestro::analyst
