// Report writers for `maestro analyze` (and, later, `maestro bench`): text, Markdown, JSON, CSV and a
// self-contained HTML report with Vega-Lite charts. They read an AnalysisResult and never recompute statistics.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "stats/analysis.h"
#include "stats/table.h"

namespace maestro::report {

enum class Format { kText, kMarkdown, kJson, kCsv, kHtml };
// RETURNS the format for "text", "md", "json", "csv" or "html", or kInvalidArgument.
Result<Format> ParseFormat(const std::string& name);

// One cumulative latency-histogram bucket (Prometheus convention: `count` observations <= `upper_bound`).
struct HistogramBucket {
  std::string scenario, protocol;
  double upper_bound = 0;  // +inf for the last bucket
  double count = 0;
};

// Reads a histogram CSV with columns scenario,protocol,le,count (cumulative counts; le may be +Inf).
// RETURNS kNotFound / kInvalidArgument as stats::LoadCsv does.
Result<std::vector<HistogramBucket>> LoadHistograms(const std::string& path);

struct ReportInput {
  const stats::AnalysisResult* analysis = nullptr;  // required
  const stats::Table* table = nullptr;              // optional: raw runs for box plots and per-process bars
  std::string source;                               // the CSV's name, shown in the report
  std::string manifest_json;                        // optional: bench's manifest.json text, shown as methods
  std::vector<HistogramBucket> histograms;          // optional: latency CDFs
};

// Renders the report. REQUIRES input.analysis. RETURNS the document text. Thread-safe.
std::string Render(Format format, const ReportInput& input);

std::string RenderText(const ReportInput& input);
std::string RenderMarkdown(const ReportInput& input);
std::string RenderJson(const ReportInput& input);  // schema: docs/analyze.md
std::string RenderCsv(const ReportInput& input);
std::string RenderHtml(const ReportInput& input);

}  // namespace maestro::report
