// ParseNumber: strict text-to-number conversion for flags, headers and files, without exceptions.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace maestro {

// Parses all of `text` as a T (an integer or floating-point type) in the C locale: no leading spaces or '+',
// nothing left over. RETURNS the value, or nullopt when `text` is not such a number or is out of T's range.
template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

}  // namespace maestro
