#include "bench/runner/matrix_runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "audio/wav.h"
#include "bench/load/load_generator.h"
#include "bench/runner/outcomes.h"
#include "bench/scenarios/scenarios.h"
#include "domain/blocking.h"
#include "engines/engine_registry.h"
#include "net/endpoint_balancer.h"
#include "orchestrator/engine_sets.h"
#include "orchestrator/stack.h"
#include "tls/development_ca.h"

namespace maestro::bench {
namespace {

// The thesis's k6 script uploaded a 128 KB WAV: 4.096 s of 16 kHz mono 16-bit audio.
std::string ThesisSizedTone() {
  std::vector<int16_t> samples(65536);
  for (size_t i = 0; i < samples.size(); ++i) {
    samples[i] = static_cast<int16_t>(3000 * std::sin(2 * M_PI * 440.0 * static_cast<double>(i) / 16000));
  }
  return audio::EncodeWav(samples, 16000);
}

struct Questions {
  std::map<std::string, std::string> wav_by_scenario;
  std::string source;
};

// Speaks each scenario's question with the TTS engine when one that speaks is built in; otherwise (and for
// scenarios without a question, such as "zero") sends a thesis-sized tone.
Result<Questions> PrepareQuestions(const BenchConfig& config, const EngineSet& engines) {
  Questions questions;
  auto scenarios = LoadScenarios(DefaultScenariosPath());
  std::unique_ptr<TextToSpeech> tts;
  const std::string tts_name = engines.tts == "emulated" ? ResolveEngineSet("classic")->tts : engines.tts;
  if (tts_name != "emulated") {
    auto created = EngineRegistry::Global().CreateTts(tts_name, {});
    if (created.ok()) tts = std::move(created).value();
  }
  std::vector<std::string> spoken;
  for (const auto& scenario : config.scenarios) {
    const Scenario* found = nullptr;
    if (scenarios.ok()) {
      for (const auto& s : scenarios->scenarios) {
        if (s.id == scenario) found = &s;
      }
    }
    if (found == nullptr || tts == nullptr || !found->questions.count(config.language)) {
      questions.wav_by_scenario[scenario] = ThesisSizedTone();
      continue;
    }
    std::string voice = scenarios->voices.count(config.language) ? scenarios->voices.at(config.language) : "";
    auto speech =
        SynthesizeBlocking(*tts, {found->questions.at(config.language), voice}, Deadline::In(std::chrono::seconds(30)));
    if (!speech.ok())
      return Status(speech.status().code(), "speaking the " + scenario + " question: " + speech.status().message());
    questions.wav_by_scenario[scenario] = std::move(speech->wav);
    spoken.push_back(scenario);
  }
  questions.source = spoken.empty() ? "128 KB tone (no speaking TTS engine or scenario question)"
                                    : tts_name + " speaking data/scenarios.yaml (" + config.language + ")";
  return questions;
}

// Where a TLS experiment keeps its development CA and certificates.
std::string CertsDir(const BenchConfig& config) {
  return config.out_dir + "/certs";
}

// Makes the TLS experiment's certificates once (a resumed experiment reuses them).
Status PrepareCertificates(const BenchConfig& config) {
  if (!config.tls || std::filesystem::exists(CertsDir(config) + "/ca.crt")) return Status::Ok();
  auto written = tls::WriteDevelopmentCa(CertsDir(config), {});
  return written.ok() ? Status::Ok() : written.status();
}

StackOptions StackFor(const BenchConfig& config, const EngineSet& engines, const PlanBlock& block,
                      const PlannedRun& first) {
  StackOptions options;
  if (config.tls) options.tls_certs = CertsDir(config);
  options.binary = config.maestro_binary;
  options.protocol = block.protocol;
  options.stt_engine = engines.stt;
  options.llm_engine = engines.llm;
  options.tts_engine = engines.tts;
  options.port = 0;
  options.topology = config.topology;
  options.link = config.link;
  options.transport_flags = {"--connections",      std::to_string(config.connections),
                             "--thrift-transport", config.thrift_transport,
                             "--thrift-protocol",  config.thrift_protocol};
  options.maestro_flags = {"--max-inflight", std::to_string(config.max_inflight),
                           "--timeout",      std::to_string(config.timeout.count()) + "ms",
                           "--cache",        config.cache ? "on" : "off"};
  if (engines.stt == "emulated") {
    auto profiles = config.emulated_profiles;
    auto profile = profiles.count(first.base_scenario) ? profiles.at(first.base_scenario) : EmulatedProfile{};
    auto seed = "seed=" + std::to_string(config.seed);
    options.engine_options["stt"] = {fmt::format("service_ms={}", profile.stt_ms), seed};
    options.engine_options["llm"] = {fmt::format("service_ms={}", profile.llm_ms), seed};
    if (profile.piece_ms > 0) {
      options.engine_options["llm"].push_back(fmt::format("piece_ms={}", profile.piece_ms));
      options.engine_options["llm"].push_back("sentence_words=10");
    }
    options.engine_options["tts"] = {fmt::format("service_ms={}", profile.tts_ms), seed};
  }
  return options;
}

LoadConfig LoadFor(const BenchConfig& config, const std::string& url, const PlannedRun& run, const std::string& wav) {
  LoadConfig load;
  load.url = url + (config.stream ? "/assist/stream" : "/assist");
  if (config.tls) load.tls_ca = CertsDir(config) + "/ca.crt";
  load.method = "POST";
  load.body = wav;
  load.body_file_name = "question.wav";
  load.multipart_field = "file";
  if (run.rate > 0) {
    load.mode = LoadMode::kOpen;
    load.rate = run.rate;
    load.max_outstanding = std::max(config.max_inflight, 1);
  } else {
    load.mode = LoadMode::kClosed;
    load.vus = config.users;
  }
  load.duration = config.duration;
  load.warmup = config.warmup;
  load.timeout = config.timeout;
  load.expect_content_type = "audio/wav";
  load.expect_min_body_bytes = 44;
  load.threads = 1;
  return load;
}

// Busy time of the whole machine (every CPU's user, nice, system, irq, softirq and steal) in seconds, or NaN.
double MachineBusySeconds() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (!(stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) || cpu != "cpu") {
    return std::nan("");
  }
  return static_cast<double>(user + nice + system + irq + softirq + steal) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double LoadAverage1m() {
  std::ifstream loadavg("/proc/loadavg");
  double load = 0;
  loadavg >> load;
  return load;
}

// Watches every process of `stack` and the load generator itself. RETURNS the first Watch error.
Status WatchStack(const Stack& stack, ResourceSampler& sampler) {
  for (const auto& process : stack.processes()) {
    if (auto status = sampler.Watch(process.name, process.pid); !status.ok()) return status;
  }
  return sampler.Watch("loadgen", getpid());
}

// One run under load with its processes sampled over the measured window, and the CPU the rest of the machine
// used meanwhile (the machine's busy time minus what the sampled processes used). A process that cannot be
// watched would silently vanish from the CPU and RSS sums, so it fails the run instead.
Result<RunRecord> MeasureRun(const BenchConfig& config, const Stack& stack, const PlannedRun& run,
                             const std::string& wav, const std::atomic<bool>* cancel) {
  ResourceSampler sampler;
  if (auto status = WatchStack(stack, sampler); !status.ok()) {
    return Status(status.code(), "during " + run.id + ": " + status.message());
  }
  double busy_start = 0, busy_end = 0;
  std::chrono::steady_clock::time_point started, ended;
  Status sampling;
  WindowHooks hooks{[&] {
                      sampling = sampler.Start();
                      busy_start = MachineBusySeconds();
                      started = std::chrono::steady_clock::now();
                    },
                    [&] {
                      sampler.Stop();
                      busy_end = MachineBusySeconds();
                      ended = std::chrono::steady_clock::now();
                    }};
  auto load = RunLoad(LoadFor(config, stack.url(), run, wav), cancel, &hooks);
  sampler.Stop();
  if (!load.ok()) return load.status();
  if (!sampling.ok()) return Status(sampling.code(), "during " + run.id + ": " + sampling.message());
  RunRecord record{run, std::move(load).value(), sampler.Summary()};
  const double window_s = std::chrono::duration<double>(ended - started).count();
  if (window_s > 0 && !std::isnan(busy_start) && !std::isnan(busy_end)) {
    double ours = 0;
    for (const auto& process : record.resources) ours += process.cpu_percent_mean;
    record.other_cpu_percent = std::max(0.0, 100 * (busy_end - busy_start) / window_s - ours);
  }
  record.load_average_1m = LoadAverage1m();
  record.tls = config.tls;
  return record;
}

}  // namespace

nlohmann::json MakeManifest(const BenchConfig& config, const std::vector<PlanBlock>& plan) {
  nlohmann::json profiles = nlohmann::json::object();
  for (const auto& [scenario, p] : config.emulated_profiles) {
    profiles[scenario] = {{"stt_ms", p.stt_ms}, {"llm_ms", p.llm_ms}, {"tts_ms", p.tts_ms}};
  }
  nlohmann::json order = nlohmann::json::array();
  for (const auto& block : plan) {
    for (const auto& run : block.runs) order.push_back(run.id);
  }
  auto engines = ResolveEngineSet(config.engines);
  return {{"tool", "maestro bench"},
          {"machine", MachineFacts()},
          {"seed", config.seed},
          {"config",
           {{"preset", config.preset},
            {"protocols", config.protocols},
            {"scenarios", config.scenarios},
            {"scenario_levels", ScenarioLevels(config)},
            {"load_model", config.rates.empty() ? "closed (constant VUs)" : "open (constant arrival rate)"},
            {"users", config.users},
            {"rates", config.rates},
            {"duration_s", config.duration.count() / 1000.0},
            {"warmup_s", config.warmup.count() / 1000.0},
            {"runs", config.runs},
            {"engines", config.engines},
            {"engine_set", engines.ok() ? engines->Describe() : config.engines},
            {"cache", config.cache ? "on" : "off"},
            {"endpoint", config.stream ? "/assist/stream" : "/assist"},
            {"language", config.language},
            {"tls", config.tls ? "on: mutual TLS between the processes, HTTPS from the load generator" : "off"},
            {"emulated_profiles_ms", profiles}}},
          {"network",
           {{"profile", config.network_profile.empty() ? "custom" : config.network_profile},
            {"topology", config.topology},
            {"link", config.link.Describe()},
            {"link_delay_ms", config.link.delay_ms},
            {"link_jitter_ms", config.link.jitter_ms},
            {"link_rate_mbit", config.link.rate_mbit},
            {"link_loss_percent", config.link.loss_percent},
            {"note", config.topology == "netns"
                         ? "each process on its own network namespace; a request between two hosts crosses two "
                           "shaped links (round trip + 2 x delay)"
                         : "every process on loopback"}}},
          {"fairness",
           {{"max_inflight", config.max_inflight},
            {"client_connections_per_service", config.connections},
            {"request_timeout_ms", config.timeout.count()},
            {"thrift", config.thrift_transport + "+" + config.thrift_protocol},
            {"services_restarted", "for every protocol x scenario block"},
            {"endpoint_balancing",
             {{"policy", "round robin over a service's endpoints"},
              {"eject_after_consecutive_failures", net::BalancerPolicy{}.eject_after_consecutive_failures},
              {"ejection_s", net::BalancerPolicy{}.ejection_time.count() / 1000.0},
              {"connect_retries_on_another_endpoint", net::BalancerPolicy{}.connect_retries},
              {"ejection_after_failed_connect_s", net::BalancerPolicy{}.reconnect_probe_time.count() / 1000.0},
              {"applies_to", "rest, grpc, thrift (net::EndpointBalancer; services are given as address lists)"}}},
            {"note", "the same limits and connection reuse apply to every protocol"}}},
          {"metrics",
           {{"latency_ms", "mean latency of the run's successful requests, warm-up excluded"},
            {"cpu_usage_percent", "sum over maestro, stt, llm and tts of mean CPU (user+sys, % of one core)"},
            {"memory_usage_mb", "sum over maestro, stt, llm and tts of mean RSS"},
            {"throughput_req_s", "successful responses completed in the measured window / window"}}},
          {"outcomes", DeclaredOutcomes(config.equivalence_margin, 0.05)},
          {"run_order", order}};
}

Result<ExperimentOutcome> RunExperiment(const BenchConfig& config, ResultsWriter& writer, const RunnerEvents& events,
                                        const std::atomic<bool>* cancel) {
  auto plan = MakeRunPlan(config);
  auto engines = ResolveEngineSet(config.engines);
  if (!engines.ok()) return engines.status();
  if (auto status = CheckModels(*engines, {}); !status.ok()) return status;
  auto questions = PrepareQuestions(config, *engines);
  if (!questions.ok()) return questions.status();
  if (auto status = PrepareCertificates(config); !status.ok()) return status;
  ExperimentOutcome outcome;
  outcome.question_source = questions->source;
  int total_runs = 0;
  for (const auto& block : plan) total_runs += static_cast<int>(block.runs.size());
  int run_index = 0;
  auto cancelled = [cancel] { return cancel != nullptr && cancel->load(); };

  for (size_t b = 0; b < plan.size() && !cancelled(); ++b) {
    const PlanBlock& block = plan[b];
    if (events.block_starting) events.block_starting(block, static_cast<int>(b), static_cast<int>(plan.size()));
    Stack stack;
    if (auto status = stack.Start(StackFor(config, *engines, block, block.runs.front())); !status.ok()) {
      return Status(status.code(), "starting " + block.protocol + " services: " + status.message());
    }
    for (const auto& run : block.runs) {
      if (cancelled()) break;
      if (events.run_starting) events.run_starting(run, run_index, total_runs);
      auto measured = MeasureRun(config, stack, run, questions->wav_by_scenario.at(run.base_scenario), cancel);
      if (!measured.ok()) return measured.status();
      RunRecord record = std::move(measured).value();
      if (auto status = writer.Write(record); !status.ok()) return status;
      if (events.run_finished) events.run_finished(record, run_index, total_runs);
      outcome.records.push_back(std::move(record));
      ++run_index;
      if (auto status = stack.CheckChildren(); !status.ok()) {
        return Status(status.code(), "during " + run.id + ": " + status.message());
      }
    }
    stack.Stop();
  }
  outcome.interrupted = cancelled();
  return outcome;
}

}  // namespace maestro::bench
