// `maestro bench`: the experiment — scenarios x protocols x runs under load, with per-process CPU and memory,
// written as thesis-compatible CSV plus summaries, histograms, a manifest and the analysis report.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "apps/maestro/cli_common.h"
#include "apps/maestro/command_registry.h"
#include "apps/maestro/topology_flags.h"
#include "bench/load/load_config.h"
#include "bench/runner/experiment.h"
#include "bench/runner/experiment_summary.h"
#include "common/logging.h"
#include "orchestrator/engine_sets.h"
#include "topology/link_shape.h"

namespace maestro::cli {
namespace {

std::atomic<bool> g_cancel{false};

void OnInterrupt(int) {
  g_cancel = true;
}

struct BenchFlags {
  std::string preset = "quick";
  std::vector<std::string> protocols, scenarios, profiles;
  std::vector<double> rates;
  int users = 0;
  std::string duration, warmup, timeout;
  int runs = 0;
  std::string engines, cache, language, out = "bench-results";
  uint64_t seed = 42;
  int max_inflight = 0, connections = 0;
  std::string thrift_transport, thrift_protocol;
  double equivalence_margin = 0.05;
  bool no_report = false;
  bool stream = false;
  TopologyFlags topology;
  std::vector<std::string> networks;
  std::vector<std::string> tls = {"off"};
};

std::string Clock(double seconds) {
  int s = static_cast<int>(seconds + 0.5);
  return s >= 60 ? fmt::format("{}m{:02d}s", s / 60, s % 60) : fmt::format("{}s", s);
}

// Shows progress: a redrawn bar on a terminal, one plain line per run otherwise.
class Progress {
 public:
  Progress(double run_seconds, int total_runs)
      : tty_(isatty(STDOUT_FILENO) != 0), run_seconds_(run_seconds), total_runs_(total_runs) {
    if (tty_) ticker_ = std::thread([this] { Tick(); });
  }
  ~Progress() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    if (ticker_.joinable()) ticker_.join();
  }

  void RunStarting(const bench::PlannedRun& run, int index) {
    std::lock_guard lock(mutex_);
    current_ = fmt::format("{} {} #{}", run.protocol, run.scenario, run.run);
    index_ = index;
    started_ = std::chrono::steady_clock::now();
    if (!tty_) std::cout << fmt::format("[{}/{}] {} ...", index + 1, total_runs_, current_) << std::endl;
  }

  void RunFinished(const bench::RunRecord& record, int index) {
    std::lock_guard lock(mutex_);
    const auto& load = record.load;
    std::string line =
        fmt::format("[{}/{}] {:<28} {:>8.1f} req/s  ", index + 1, total_runs_, current_, load.throughput_rps());
    line += load.latency.count() > 0 ? fmt::format("p50 {:>8.2f} ms  p99 {:>8.2f} ms",
                                                   static_cast<double>(load.latency.ValueAtPercentile(50)) / 1e6,
                                                   static_cast<double>(load.latency.ValueAtPercentile(99)) / 1e6)
                                     : std::string("no request succeeded in the window");
    line += fmt::format("  errors {:.2f}%", 100 * load.error_rate());
    if (load.unfinished > 0) line += fmt::format("  unfinished {}", load.unfinished);
    if (load.generator_bottleneck) line += "  (load generator saturated)";
    std::cout << (tty_ ? "\r\033[K" : "") << line << std::endl;
    done_ = index + 1;
  }

  void Note(const std::string& text) {
    std::lock_guard lock(mutex_);
    std::cout << (tty_ ? "\r\033[K" : "") << text << std::endl;
  }

 private:
  void Tick() {
    for (;;) {
      {
        std::lock_guard lock(mutex_);
        if (stop_) return;
        if (!current_.empty()) {
          double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
          double fraction = std::min(1.0, elapsed / run_seconds_);
          int filled = static_cast<int>(fraction * 24);
          double total_left = (total_runs_ - done_ - 1) * run_seconds_ + std::max(0.0, run_seconds_ - elapsed);
          std::cout << fmt::format("\r\033[K[{}/{}] {:<28} [{}{}] {:3.0f}%  run ETA {}  all ETA {}", index_ + 1,
                                   total_runs_, current_, std::string(filled, '#'), std::string(24 - filled, '.'),
                                   fraction * 100, Clock(std::max(0.0, run_seconds_ - elapsed)), Clock(total_left))
                    << std::flush;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }

  const bool tty_;
  const double run_seconds_;
  const int total_runs_;
  std::mutex mutex_;
  std::string current_;
  int index_ = 0;
  int done_ = 0;
  bool stop_ = false;
  std::chrono::steady_clock::time_point started_;
  std::thread ticker_;
};

Status Apply(const BenchFlags& flags, bench::BenchConfig& config) {
  if (auto status = bench::ApplyPreset(flags.preset, config); !status.ok()) return status;
  if (config.emulated_profiles.empty()) config.emulated_profiles = bench::ThesisEmulatedProfiles();
  for (const auto& [scenario, profile] : bench::ThesisEmulatedProfiles()) {
    config.emulated_profiles.emplace(scenario, profile);
  }
  if (!flags.protocols.empty()) config.protocols = flags.protocols;
  if (!flags.scenarios.empty()) config.scenarios = flags.scenarios;
  if (flags.users > 0) {
    config.users = flags.users;
    config.rates.clear();
  }
  if (!flags.rates.empty()) config.rates = flags.rates;
  auto duration_of = [](const std::string& text, std::chrono::milliseconds& out) -> Status {
    if (text.empty()) return Status::Ok();
    auto parsed = bench::ParseDuration(text);
    if (!parsed.ok()) return parsed.status();
    out = std::chrono::duration_cast<std::chrono::milliseconds>(*parsed);
    return Status::Ok();
  };
  for (auto [text, out] : {std::pair{&flags.duration, &config.duration}, std::pair{&flags.warmup, &config.warmup},
                           std::pair{&flags.timeout, &config.timeout}}) {
    if (auto status = duration_of(*text, *out); !status.ok()) return status;
  }
  if (flags.runs > 0) config.runs = flags.runs;
  if (!flags.engines.empty()) config.engines = flags.engines;
  if (!flags.cache.empty()) config.cache = flags.cache == "on";
  if (!flags.language.empty()) config.language = flags.language;
  if (flags.max_inflight > 0) config.max_inflight = flags.max_inflight;
  if (flags.connections > 0) config.connections = flags.connections;
  if (!flags.thrift_transport.empty()) config.thrift_transport = flags.thrift_transport;
  if (!flags.thrift_protocol.empty()) config.thrift_protocol = flags.thrift_protocol;
  for (const auto& profile : flags.profiles) {
    if (auto status = bench::ParseEmulatedProfile(profile, config); !status.ok()) return status;
  }
  auto link = LinkShapeFrom(flags.topology);
  if (!link.ok()) return link.status();
  config.topology = flags.topology.topology;
  config.link = *link;
  config.seed = flags.seed;
  config.out_dir = flags.out;
  config.write_report = !flags.no_report;
  config.equivalence_margin = flags.equivalence_margin;
  config.stream = flags.stream;
  return bench::ValidateBenchConfig(config);
}

// The end of the run in the terminal: the report's answer per scenario, then every reason to doubt it.
void PrintStory(const bench::BenchConfig& config, const bench::RecordedExperiment& recorded) {
  std::vector<std::string> warnings =
      bench::MachineWarnings(recorded.outcome.records, std::thread::hardware_concurrency());
  if (!recorded.stories.empty()) {
    std::cout << fmt::format(
        "\nAnswer (primary outcomes latency_ms, p50_ms, throughput_req_s; equivalence margin +-{:g}%):\n",
        100 * config.equivalence_margin);
    for (const auto& story : recorded.stories) std::cout << "  " << story << "\n";
  }
  warnings.insert(warnings.end(), recorded.report_warnings.begin(), recorded.report_warnings.end());
  if (warnings.empty()) return;
  std::cout << "Warnings:\n";
  for (const auto& warning : warnings) std::cout << "  ! " << warning << "\n";
}

// Runs one experiment as configured. RETURNS the process exit code (130 when interrupted).
int RunBench(const bench::BenchConfig& config) {
  auto plan = bench::MakeRunPlan(config);
  int total_runs = 0;
  for (const auto& block : plan) total_runs += static_cast<int>(block.runs.size());
  const double run_seconds = (config.duration + config.warmup).count() / 1000.0 + 0.3;
  std::cout << fmt::format(
                   "maestro bench: preset {}, {} runs ({} protocols x {} scenario levels x {}), "
                   "engines {}, {} , cache {}, seed {}\n",
                   config.preset, total_runs, config.protocols.size(), bench::ScenarioLevels(config).size(),
                   config.runs, config.engines,
                   config.rates.empty() ? fmt::format("{} users", config.users) : "open loop",
                   config.cache ? "on" : "off", config.seed)
            << fmt::format("Estimated time: {} plus service start-ups. Ctrl-C stops and keeps finished runs.",
                           Clock(total_runs * run_seconds))
            << std::endl;

  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Progress progress(run_seconds, total_runs);
  bench::RunnerEvents events;
  events.block_starting = [&](const bench::PlanBlock& block, int, int) {
    progress.Note(fmt::format("-- starting {} services for {}", block.protocol, block.scenario));
  };
  events.run_starting = [&](const bench::PlannedRun& run, int index, int) { progress.RunStarting(run, index); };
  events.run_finished = [&](const bench::RunRecord& record, int index, int) { progress.RunFinished(record, index); };
  auto recorded = bench::RunRecordedExperiment(config, events, &g_cancel);
  if (!recorded.ok()) return Fail("bench", recorded.status().ToString());
  const auto& outcome = recorded->outcome;
  std::cout << "\n" << bench::FormatExperimentSummary(outcome.records);
  if (!recorded->report_path.empty()) std::cout << "Report: " << recorded->report_path << "\n";
  if (!recorded->report_status.ok()) {
    std::cout << "Report not written: " << recorded->report_status.message() << "\n";
  }
  PrintStory(config, *recorded);
  std::cout << "Results: " << recorded->csv_path << " (" << outcome.records.size() << " runs), " << config.out_dir
            << "/runs/, " << config.out_dir << "/histograms/, " << config.out_dir << "/manifest.json\n";
  if (outcome.interrupted) {
    std::cout << "Interrupted: kept the " << outcome.records.size() << " finished runs.\n";
    return 130;
  }
  return 0;
}

RegisterCommand bench_command(
    "bench", "Run the experiment: scenarios x protocols x runs under load; writes CSV, summaries and a report",
    [](CLI::App& command) -> std::function<int()> {
      auto flags = std::make_shared<BenchFlags>();
      command
          .add_option("--preset", flags->preset,
                      "quick (default, about 8 min on the neural engines), thesis, or overhead")
          ->check(CLI::IsMember({"quick", "thesis", "overhead"}));
      command.add_option("--protocols", flags->protocols, "Comma-separated: rest,grpc,thrift,inproc")->delimiter(',');
      command.add_option("--scenarios", flags->scenarios, "Comma-separated: simple,traditional,complex")
          ->delimiter(',');
      auto* users = command.add_option("--users", flags->users, "Closed loop: constant virtual users")
                        ->check(CLI::Range(1, 100000));
      command.add_option("--rate", flags->rates, "Open loop: arrival rate(s) in req/s, comma-separated for a sweep")
          ->delimiter(',')
          ->excludes(users);
      command.add_option("--duration", flags->duration, "Measured window per run, e.g. 60s");
      command.add_option("--warmup", flags->warmup, "Warm-up per run, excluded from results");
      command.add_option("--timeout", flags->timeout,
                         "Per-request timeout, also each request's deadline in Maestro (default 6s, the thesis's; 20s "
                         "in the quick preset)");
      command.add_option("--runs", flags->runs, "Repetitions per protocol and scenario")->check(CLI::Range(1, 1000));
      command.add_option("--engines", flags->engines, "neural (default), classic or emulated")
          ->check(CLI::IsMember(EngineSetNames()));
      command.add_option("--cache", flags->cache, "Maestro's answer cache: off (default) or on")
          ->check(CLI::IsMember({"on", "off"}));
      command.add_option("--language", flags->language, "Scenario question language: en or pt-BR")
          ->check(CLI::IsMember({"en", "pt-BR"}));
      command.add_option("--seed", flags->seed, "Seed for the run order and emulated engines");
      command.add_option("-o,--out", flags->out, "Output folder")
          ->envname("MAESTRO_BENCH_OUT")
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
      command.add_option("--max-inflight", flags->max_inflight,
                         "Maestro's in-flight limit, the same for every protocol");
      command.add_option("--connections", flags->connections, "Connections per service client, every protocol");
      command.add_option("--thrift-transport", flags->thrift_transport)->check(CLI::IsMember({"buffered", "framed"}));
      command.add_option("--thrift-protocol", flags->thrift_protocol)->check(CLI::IsMember({"binary", "compact"}));
      command.add_option("--emulated-profile", flags->profiles,
                         "Emulated service times of a scenario: scenario=stt_ms,llm_ms,tts_ms[,piece_ms] (repeatable; "
                         "piece_ms streams the answer word by word after llm_ms)");
      command
          .add_option("--equivalence-margin", flags->equivalence_margin,
                      "Primary outcomes within this ratio margin count as equivalent (0.05 = +-5%)")
          ->check(CLI::Range(0.001, 0.5))
          ->capture_default_str();
      command.add_flag("--no-report", flags->no_report, "Skip the analysis report at the end");
      command.add_flag("--stream", flags->stream,
                       "Drive POST /assist/stream (answers as chunked audio): the ttfa_* columns become TTFA");
      AddTopologyFlags(command, flags->topology);
      command
          .add_option("--network", flags->networks,
                      "Named link profiles, one experiment each in OUT/<profile>: loopback, netns, lan (0.25 ms round "
                      "trip, 10 Gbit/s), metro (1 ms, 1 Gbit/s), wan (20 ms, 100 Mbit/s); all but loopback need root")
          ->delimiter(',');
      command
          .add_option("--tls", flags->tls,
                      "off, on (mutual TLS between the processes, HTTPS from the load generator) or on,off: one "
                      "experiment per level, in OUT/tls-on and OUT/tls-off")
          ->delimiter(',')
          ->check(CLI::IsMember({"on", "off"}))
          ->capture_default_str();
      return [flags] {
        InitLogging("bench", "warn");
        // The services' info logs would bury the progress display; MAESTRO_LOG_LEVEL still wins when set.
        setenv("MAESTRO_LOG_LEVEL", "warn", 0);
        bench::BenchConfig config;
        if (auto status = Apply(*flags, config); !status.ok()) return Fail("bench", status.message(), 2);
        std::vector<bench::BenchConfig> experiments;
        if (flags->networks.empty()) {
          experiments.push_back(config);
        } else if (config.topology != "loopback" || config.link.shaped()) {
          return Fail("bench", "--network sets topology and links itself: drop --topology and --link-*", 2);
        }
        // One experiment per named network profile, each in its own folder and manifest.
        for (const auto& name : flags->networks) {
          auto profile = topology::FindNetworkProfile(name);
          if (!profile.ok()) return Fail("bench", profile.status().message(), 2);
          bench::BenchConfig network_config = config;
          network_config.network_profile = profile->name;
          network_config.topology = profile->hosts ? "netns" : "loopback";
          network_config.link = profile->link;
          network_config.out_dir = config.out_dir + "/" + profile->name;
          experiments.push_back(network_config);
        }
        // And one per TLS level when there are several, so each folder compares the protocols at one level.
        std::vector<bench::BenchConfig> planned;
        for (const auto& experiment : experiments) {
          for (const auto& level : flags->tls) {
            bench::BenchConfig tls_config = experiment;
            tls_config.tls = level == "on";
            if (flags->tls.size() > 1) tls_config.out_dir = experiment.out_dir + "/tls-" + level;
            planned.push_back(tls_config);
          }
        }
        int exit_code = 0;
        for (const auto& experiment : planned) {
          if (!flags->networks.empty() || flags->tls.size() > 1) {
            std::cout << "==";
            if (!experiment.network_profile.empty()) {
              std::cout << " network " << experiment.network_profile << ": " << experiment.topology << ", links "
                        << experiment.link.Describe();
            }
            if (flags->tls.size() > 1) {
              std::cout << (experiment.network_profile.empty() ? "" : ",") << " TLS "
                        << (experiment.tls ? "on" : "off");
            }
            std::cout << std::endl;
          }
          exit_code = RunBench(experiment);
          if (exit_code != 0) return exit_code;
        }
        return exit_code;
      };
    });

}  // namespace
}  // namespace maestro::cli
