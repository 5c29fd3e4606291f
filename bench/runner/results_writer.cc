#include "bench/runner/results_writer.h"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <thread>

#include "common/build_info.h"

namespace maestro::bench {
namespace {

std::string Fixed(double value, int digits = 3) {
  return fmt::format("{:.{}f}", value, digits);
}

const ProcessResources* Find(const std::vector<ProcessResources>& resources, const std::string& name) {
  for (const auto& process : resources) {
    if (process.name == name) return &process;
  }
  return nullptr;
}

std::string ReadFirstMatch(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0 && key.back() == '=') {
      std::string value = line.substr(key.size());
      if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
      return value;
    }
    if (line.rfind(key, 0) == 0) {
      auto colon = line.find(':');
      std::string value = colon == std::string::npos ? line : line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      return value;
    }
  }
  return "";
}

}  // namespace

std::vector<std::string> CsvColumns() {
  std::vector<std::string> columns = {
      "scenario",        "protocol",         "run",       "latency_ms", "cpu_usage_percent",
      "memory_usage_mb", "throughput_req_s", "p50_ms",    "p90_ms",     "p95_ms",
      "p99_ms",          "max_ms",           "error_rate"};
  // Per-process columns are <metric>@<process>, which `maestro analyze` draws as per-process bars.
  for (const auto& process : kServiceProcesses) columns.push_back("cpu_usage_percent@" + process);
  for (const auto& process : kServiceProcesses) columns.push_back("memory_usage_mb@" + process);
  for (const auto& process : kServiceProcesses) columns.push_back("memory_peak_mb@" + process);
  for (const auto& column :
       {"cpu_usage_percent@loadgen", "memory_usage_mb@loadgen", "requests", "errors", "bytes_sent_per_request",
        "bytes_received_per_request", "loadgen_bottleneck", "machine_other_cpu_percent", "load_average_1m",
        "ttfa_p50_ms", "ttfa_p90_ms", "ttfa_p99_ms", "tls"}) {
    columns.push_back(column);
  }
  return columns;
}

std::vector<std::string> CsvRow(const RunRecord& record) {
  const LoadSummary& load = record.load;
  const auto& latency = load.latency;
  auto ms = [](double ns) { return ns / 1e6; };
  double cpu_sum = 0;
  double rss_sum_mb = 0;
  for (const auto& name : kServiceProcesses) {
    if (const auto* process = Find(record.resources, name)) {
      cpu_sum += process->cpu_percent_mean;
      rss_sum_mb += static_cast<double>(process->rss_mean_bytes) / (1 << 20);
    }
  }
  // A run in which no request succeeded has no latency: its cells stay empty (missing, which `maestro analyze`
  // leaves out), never 0 ms, which would read as the fastest run there is.
  auto percentile = [&](const auto& histogram, double p) {
    return histogram.count() > 0 ? Fixed(ms(static_cast<double>(histogram.ValueAtPercentile(p)))) : std::string();
  };
  std::vector<std::string> row = {record.run.scenario,
                                  record.run.protocol,
                                  std::to_string(record.run.run),
                                  latency.count() > 0 ? Fixed(ms(latency.mean())) : "",
                                  Fixed(cpu_sum),
                                  Fixed(rss_sum_mb),
                                  Fixed(load.throughput_rps()),
                                  percentile(latency, 50),
                                  percentile(latency, 90),
                                  percentile(latency, 95),
                                  percentile(latency, 99),
                                  latency.count() > 0 ? Fixed(ms(static_cast<double>(latency.max()))) : "",
                                  Fixed(load.error_rate(), 6)};
  auto per_process = [&](auto value) {
    for (const auto& name : kServiceProcesses) {
      const auto* process = Find(record.resources, name);
      row.push_back(process != nullptr ? Fixed(value(*process)) : "");
    }
  };
  per_process([](const ProcessResources& p) { return p.cpu_percent_mean; });
  per_process([](const ProcessResources& p) { return static_cast<double>(p.rss_mean_bytes) / (1 << 20); });
  per_process([](const ProcessResources& p) { return static_cast<double>(p.rss_peak_bytes) / (1 << 20); });
  const auto* loadgen = Find(record.resources, "loadgen");
  row.push_back(loadgen != nullptr ? Fixed(loadgen->cpu_percent_mean) : "");
  row.push_back(loadgen != nullptr ? Fixed(static_cast<double>(loadgen->rss_mean_bytes) / (1 << 20)) : "");
  row.push_back(std::to_string(load.requests));
  row.push_back(std::to_string(load.errors.total()));
  const double requests = static_cast<double>(std::max<uint64_t>(load.requests, 1));
  row.push_back(Fixed(static_cast<double>(load.bytes_sent) / requests, 1));
  row.push_back(Fixed(static_cast<double>(load.bytes_received) / requests, 1));
  row.push_back(load.generator_bottleneck ? "1" : "0");
  row.push_back(std::isnan(record.other_cpu_percent) ? "" : Fixed(record.other_cpu_percent));
  row.push_back(Fixed(record.load_average_1m, 2));
  for (double p : {50.0, 90.0, 99.0}) row.push_back(percentile(load.first_byte, p));
  row.push_back(record.tls ? "on" : "off");
  return row;
}

Result<std::unique_ptr<ResultsWriter>> ResultsWriter::Open(const std::string& dir) {
  std::error_code ec;
  for (const char* sub : {"", "/runs", "/histograms"}) {
    std::filesystem::create_directories(dir + sub, ec);
    if (ec) return Unavailable("cannot create " + dir + sub + ": " + ec.message());
  }
  auto writer = std::unique_ptr<ResultsWriter>(new ResultsWriter(dir));
  writer->csv_.open(writer->csv_path(), std::ios::trunc);
  if (!writer->csv_) return Unavailable("cannot write " + writer->csv_path());
  auto columns = CsvColumns();
  for (size_t i = 0; i < columns.size(); ++i) writer->csv_ << (i ? "," : "") << columns[i];
  writer->csv_ << "\n" << std::flush;
  return writer;
}

Status ResultsWriter::Write(const RunRecord& record) {
  auto row = CsvRow(record);
  for (size_t i = 0; i < row.size(); ++i) csv_ << (i ? "," : "") << row[i];
  csv_ << "\n" << std::flush;

  nlohmann::json summary = SummaryToJson(record.load, false);
  summary["id"] = record.run.id;
  summary["scenario"] = record.run.scenario;
  summary["protocol"] = record.run.protocol;
  summary["run"] = record.run.run;
  summary["resources"] = ResourcesToJson(record.resources);
  summary["machine"] = {
      {"other_cpu_percent",
       std::isnan(record.other_cpu_percent) ? nlohmann::json(nullptr) : nlohmann::json(record.other_cpu_percent)},
      {"load_average_1m", record.load_average_1m}};
  std::ofstream run_file(dir_ + "/runs/" + record.run.id + ".json");
  run_file << summary.dump(2) << "\n";
  std::ofstream histogram_file(dir_ + "/histograms/" + record.run.id + ".json");
  histogram_file << record.load.latency.ToJson().dump() << "\n";
  if (!csv_ || !run_file || !histogram_file) return Unavailable("writing results to " + dir_ + " failed");
  return Status::Ok();
}

Status ResultsWriter::WriteManifest(const nlohmann::json& manifest) {
  std::ofstream out(dir_ + "/manifest.json", std::ios::trunc);
  out << manifest.dump(2) << "\n";
  return out ? Status::Ok() : Unavailable("cannot write " + dir_ + "/manifest.json");
}

nlohmann::json MachineFacts() {
  utsname uts{};
  uname(&uts);
  std::ifstream loadavg("/proc/loadavg");
  double load1 = 0, load5 = 0, load15 = 0;
  loadavg >> load1 >> load5 >> load15;
  const auto& build = GetBuildInfo();
  char hostname[256] = {};
  gethostname(hostname, sizeof(hostname) - 1);
  return {{"hostname", hostname},
          {"cpu_model", ReadFirstMatch("/proc/cpuinfo", "model name")},
          {"cores", std::thread::hardware_concurrency()},
          {"memory_total", ReadFirstMatch("/proc/meminfo", "MemTotal")},
          {"kernel", std::string(uts.sysname) + " " + uts.release + " " + uts.machine},
          {"os", ReadFirstMatch("/etc/os-release", "PRETTY_NAME=")},
          {"load_average", {load1, load5, load15}},
          {"maestro_version", build.version},
          {"git_commit", build.git_commit},
          {"build_type", build.build_type},
          {"compiler", build.compiler},
          {"versions",
           {{"grpc", build.grpc_version},
            {"protobuf", build.protobuf_version},
            {"thrift", build.thrift_version},
            {"boost", build.boost_version}}}};
}

}  // namespace maestro::bench
