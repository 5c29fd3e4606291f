// CsvReader: RFC 4180 CSV, the one reader behind `maestro analyze` tables and the analyst's knowledge-base files.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace maestro {

// Splits CSV text into records of fields. Quoted fields may hold commas, doubled quotes ("") and newlines; a
// leading UTF-8 byte-order mark is skipped; records end in "\n" or "\r\n".
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  // RETURNS the 1-based line the next record starts on.
  std::size_t line() const { return line_; }

  // Reads one record into `fields`. RETURNS kInvalidArgument for a quote that is never closed or stray text after
  // one. REQUIRES: !AtEnd(). THREAD-SAFETY: one thread per reader.
  Status Next(std::vector<std::string>& fields);

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// RETURNS the fields of one CSV line (without its line break), or kInvalidArgument for an unterminated quote, text
// after a closing quote, or a line break inside the line.
Result<std::vector<std::string>> SplitCsvLine(std::string_view line);

}  // namespace maestro
