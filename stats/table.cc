#include "stats/table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "common/csv.h"
#include "common/text.h"

namespace maestro::stats {
namespace {

// RETURNS true and sets `value` for a finite number, or true with NaN for an empty cell; false otherwise.
bool ParseNumber(std::string_view text, double& value) {
  text = Trim(text);
  if (text.empty() || text == "NA" || text == "nan" || text == "NaN") {
    value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (text.front() == '+') text.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(value);
}

bool IsBlank(const std::vector<std::string>& fields) {
  return fields.size() == 1 && Trim(fields[0]).empty();
}

}  // namespace

int Table::FindFactor(std::string_view name) const {
  auto it = std::find(factor_names.begin(), factor_names.end(), name);
  return it == factor_names.end() ? -1 : static_cast<int>(it - factor_names.begin());
}

int Table::FindMetric(std::string_view name) const {
  auto it = std::find(metric_names.begin(), metric_names.end(), name);
  return it == metric_names.end() ? -1 : static_cast<int>(it - metric_names.begin());
}

Result<Table> ParseCsv(std::string_view text, const CsvOptions& options) {
  if (text.size() > options.max_bytes) {
    return Status(StatusCode::kPayloadTooLarge, "CSV is larger than " + std::to_string(options.max_bytes) + " bytes");
  }
  CsvReader reader(text);
  std::vector<std::string> header;
  if (reader.AtEnd()) return InvalidArgument("CSV is empty");
  if (Status s = reader.Next(header); !s.ok()) return s;
  if (header.size() > options.max_columns) {
    return Status(StatusCode::kPayloadTooLarge,
                  "CSV has more than " + std::to_string(options.max_columns) + " columns");
  }
  for (auto& name : header) name = std::string(Trim(name));
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i].empty()) return InvalidArgument("CSV header: column " + std::to_string(i + 1) + " has no name");
    for (std::size_t j = 0; j < i; ++j) {
      if (header[i] == header[j]) return InvalidArgument("CSV header: column '" + header[i] + "' appears twice");
    }
  }

  const std::size_t columns = header.size();
  std::vector<bool> is_factor(columns);
  for (std::size_t c = 0; c < columns; ++c) {
    is_factor[c] = std::find(options.factor_columns.begin(), options.factor_columns.end(), header[c]) !=
                   options.factor_columns.end();
  }
  // Cells are parsed column by column after the split so that a text column can be set aside as a whole.
  std::vector<std::vector<std::string>> cells(columns);
  std::vector<std::string> fields;
  std::size_t rows = 0;
  while (!reader.AtEnd()) {
    std::size_t line = reader.line();
    if (Status s = reader.Next(fields); !s.ok()) return s;
    if (IsBlank(fields)) continue;
    if (fields.size() != columns) {
      return InvalidArgument("line " + std::to_string(line) + ": " + std::to_string(fields.size()) +
                             " fields, the header has " + std::to_string(columns));
    }
    if (++rows > options.max_rows) {
      return Status(StatusCode::kPayloadTooLarge, "CSV has more than " + std::to_string(options.max_rows) + " rows");
    }
    for (std::size_t c = 0; c < columns; ++c) cells[c].push_back(std::move(fields[c]));
  }
  if (rows == 0) return InvalidArgument("CSV has a header but no data rows");

  Table table;
  table.row_count = rows;
  for (std::size_t c = 0; c < columns; ++c) {
    if (is_factor[c]) {
      table.factor_names.push_back(header[c]);
      auto& values = table.factor_values.emplace_back();
      values.reserve(rows);
      for (auto& cell : cells[c]) values.emplace_back(Trim(cell));
      continue;
    }
    std::vector<double> numbers(rows);
    bool numeric = true;
    for (std::size_t r = 0; r < rows && numeric; ++r) numeric = ParseNumber(cells[c][r], numbers[r]);
    if (numeric) {
      table.metric_names.push_back(header[c]);
      table.metric_values.push_back(std::move(numbers));
    } else {
      table.ignored_columns.push_back(header[c]);
    }
  }
  return table;
}

Result<Table> LoadCsv(const std::string& path, const CsvOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(StatusCode::kNotFound, "cannot open '" + path + "'");
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) return InvalidArgument("cannot read '" + path + "'");
  if (static_cast<std::size_t>(size) > options.max_bytes) {
    return Status(StatusCode::kPayloadTooLarge,
                  "'" + path + "' is larger than " + std::to_string(options.max_bytes) + " bytes");
  }
  in.seekg(0);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), size);
  if (!in) return InvalidArgument("cannot read '" + path + "'");
  auto table = ParseCsv(text, options);
  if (!table.ok()) return Status(table.status().code(), path + ": " + table.status().message());
  return table;
}

}  // namespace maestro::stats
