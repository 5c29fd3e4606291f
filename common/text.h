// Small text helpers shared by every layer: ASCII case, white space, and folding Latin-1 accents.
#pragma once

#include <string>
#include <string_view>

namespace maestro {

// RETURNS `text` with ASCII letters lower-cased; other bytes (UTF-8 included) unchanged. THREAD-SAFETY: pure.
std::string Lower(std::string_view text);

// RETURNS `text` without leading and trailing ASCII white space (space, \t, \r, \n, \v, \f). THREAD-SAFETY: pure.
std::string_view Trim(std::string_view text);

// RETURNS true when `text` holds nothing but ASCII whitespace (or nothing at all).
bool IsBlank(std::string_view text);

// RETURNS the number of words: runs of bytes other than ASCII white space. THREAD-SAFETY: pure.
size_t CountWords(std::string_view text);

// Folds a Latin-1 Supplement letter (U+00C0..U+00FF, written in UTF-8 as 0xC3 then `second`) to its lower-case
// ASCII base letter: "ã" -> 'a', "Ç" -> 'c', "Æ" -> 'a', "ß" -> 's', "ÿ" -> 'y'.
// RETURNS that letter, or '\0' for × and ÷ and for a byte outside 0x80..0xBF. THREAD-SAFETY: pure.
char FoldLatin1(unsigned char second);

}  // namespace maestro
