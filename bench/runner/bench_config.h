// BenchConfig: one experiment — which protocols, scenarios, load, engines and repetitions — and its presets.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "topology/link_shape.h"

namespace maestro::bench {

// Emulated service times of one scenario, per hop, in milliseconds.
struct EmulatedProfile {
  double stt_ms = 0;
  double llm_ms = 0;
  double tts_ms = 0;
  // 0: the LLM answers whole after llm_ms. > 0: it streams its answer word by word, the first word after llm_ms
  // (the TTFT) and one every piece_ms after it, with a full stop every 10 words, so the streaming pipeline has
  // sentences to speak early.
  double piece_ms = 0;
};

// The quick preset's load, in one place, sized for the default neural engines on two cores: a spoken question
// takes 1-4 s voice to voice when it has the machine to itself. One VU: with two, Whisper's and llama.cpp's
// threads (two each, spinning at their barriers) fought over the two cores and a simple question took 6-9 s, so
// an 8 s window often held no finished request (docs/benchmarks.md, "The main job on the neural engines"). The
// warm-up covers the first, uncached question of a run. Three runs a cell is the analysis's minimum; 27 runs of
// 4 s + 12 s plus start-ups take about eight minutes, and each run finishes about 3-11 requests: enough for a
// mean, too few for a p99.
struct QuickPreset {
  static constexpr int kUsers = 1;
  static constexpr int kRuns = 3;
  static constexpr std::chrono::milliseconds kWarmup{4000};
  static constexpr std::chrono::milliseconds kDuration{12000};
  static constexpr std::chrono::milliseconds kTimeout{20000};
};

struct BenchConfig {
  std::string preset = "quick";
  std::vector<std::string> protocols = {"rest", "grpc", "thrift"};
  std::vector<std::string> scenarios = {"simple", "traditional", "complex"};
  // Closed loop with `users` virtual users, or, when `rates` is non-empty, open loop at each rate (a sweep:
  // every rate is a level of the scenario factor, named "<scenario>@<rate>rps").
  int users = QuickPreset::kUsers;
  std::vector<double> rates;
  std::chrono::milliseconds duration = QuickPreset::kDuration;
  std::chrono::milliseconds warmup = QuickPreset::kWarmup;
  int runs = QuickPreset::kRuns;
  std::string engines = "neural";  // neural | classic | emulated (orchestrator/engine_sets.h)
  bool cache = false;
  uint64_t seed = 42;
  std::string out_dir = "bench-results";
  // The same limits for every protocol, recorded in the manifest.
  int max_inflight = 64;
  int connections = 64;
  std::chrono::milliseconds timeout{6000};
  std::string thrift_transport = "buffered";
  std::string thrift_protocol = "binary";
  std::string language = "en";  // which scenario question to speak: "en" or "pt-BR"
  std::map<std::string, EmulatedProfile> emulated_profiles;
  // "loopback", or "netns": every service and Maestro on a network-namespace host of its own, links shaped by
  // `link` (recorded in the manifest).
  std::string topology = "loopback";
  topology::LinkShape link;
  std::string network_profile;  // the --network profile's name, when one set topology and link
  std::string maestro_binary;   // empty: this process's own executable
  bool write_report = true;
  // Ratios of primary outcomes within [1/(1+m), 1+m] count as equivalent (manifest outcomes.equivalence_margin).
  double equivalence_margin = 0.05;
  // Drive POST /assist/stream instead of /assist: the same questions, the answer as chunked audio, so the
  // ttfa_* columns measure the first audio byte rather than (almost) the whole answer.
  bool stream = false;
  // TLS everywhere (`maestro up --tls`): mutual TLS between the processes, HTTPS from the load generator, with a
  // development CA made in OUT/certs. Recorded in the manifest and the CSV's `tls` column.
  bool tls = false;
};

// The thesis's end-to-end times per scenario (simple ~0.3 s, traditional ~2.7 s, complex ~5.5 s), split over the
// hops with the language model taking most.
std::map<std::string, EmulatedProfile> ThesisEmulatedProfiles();

// Applies a preset ("quick", "thesis", "overhead") to `config`. RETURNS kInvalidArgument for an unknown name.
Status ApplyPreset(const std::string& preset, BenchConfig& config);

// Parses "simple=100,2000,400" (stt,llm,tts ms) or "simple=100,200,400,20" (with piece_ms) into
// `config.emulated_profiles`.
Status ParseEmulatedProfile(const std::string& text, BenchConfig& config);

// RETURNS kInvalidArgument naming the first setting out of its limits.
Status ValidateBenchConfig(const BenchConfig& config);

// The scenario factor's levels: the scenarios, or scenario@rate for an open-loop sweep.
std::vector<std::string> ScenarioLevels(const BenchConfig& config);

}  // namespace maestro::bench
