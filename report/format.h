// Number and table formatting shared by the report writers.
#pragma once

#include <string>
#include <vector>

namespace maestro::report {

// `significant` digits, plain notation between 1e-3 and 1e6, scientific outside; "n/a" for NaN.
std::string Fmt(double value, int significant = 4);
// Signed percentage such as "+12.3%", or "best" when `best`.
std::string Delta(double pct, bool best);

// A table rendered as aligned plain text or as a Markdown pipe table.
std::string TextTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
std::string MarkdownTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

}  // namespace maestro::report
