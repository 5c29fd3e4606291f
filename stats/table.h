// Table: a results CSV held in memory as factor columns (text) and metric columns (numbers), plus the loader
// that builds it. The analysis reads only this type, so `maestro bench` can hand over its rows without a file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace maestro::stats {

struct Table {
  std::vector<std::string> factor_names;
  std::vector<std::vector<std::string>> factor_values;  // [factor][row]
  std::vector<std::string> metric_names;
  std::vector<std::vector<double>> metric_values;  // [metric][row]; NaN marks an empty cell
  // Columns that are neither factors nor numeric, left out of the analysis (e.g. timestamps).
  std::vector<std::string> ignored_columns;
  std::size_t row_count = 0;

  // RETURNS the column's index in factor_names / metric_names, or -1 when absent.
  int FindFactor(std::string_view name) const;
  int FindMetric(std::string_view name) const;
};

struct CsvOptions {
  // Columns read as text labels. Every other column is a metric when all its non-empty cells are numbers.
  std::vector<std::string> factor_columns = {"scenario", "protocol", "run"};
  std::size_t max_bytes = std::size_t{1} << 30;
  std::size_t max_rows = 10'000'000;
  std::size_t max_columns = 1024;
};

// Parses RFC 4180 CSV text (header row first; quoted fields, CRLF and a UTF-8 BOM are accepted).
// RETURNS the table, or kInvalidArgument naming the line at fault (ragged row, bad quote, no rows) and
// kPayloadTooLarge when a limit in `options` is exceeded. Thread-safe.
Result<Table> ParseCsv(std::string_view text, const CsvOptions& options = {});

// Reads `path` and parses it as ParseCsv does. RETURNS kNotFound when the file cannot be opened.
Result<Table> LoadCsv(const std::string& path, const CsvOptions& options = {});

}  // namespace maestro::stats
