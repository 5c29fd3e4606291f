// Fuzzes stats::ParseCsv, the loader of every results CSV that `maestro analyze` and `maestro report` read.
// Input: the file's text. A table that parses must be internally consistent.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "stats/table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  maestro::stats::CsvOptions options;
  options.max_rows = 4096;
  options.max_columns = 64;
  auto table = maestro::stats::ParseCsv(std::string_view(reinterpret_cast<const char*>(data), size), options);
  if (!table.ok()) return 0;
  if (table->factor_names.size() != table->factor_values.size()) std::abort();
  if (table->metric_names.size() != table->metric_values.size()) std::abort();
  if (table->row_count == 0 || table->row_count > options.max_rows) std::abort();
  for (const auto& column : table->factor_values) {
    if (column.size() != table->row_count) std::abort();
  }
  for (const auto& column : table->metric_values) {
    if (column.size() != table->row_count) std::abort();
  }
  for (size_t f = 0; f < table->factor_names.size(); ++f) {
    if (table->FindFactor(table->factor_names[f]) < 0) std::abort();
  }
  return 0;
}
