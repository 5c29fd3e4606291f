#include "engines/pocketsphinx/pocketsphinx_engine.h"

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "audio/decode.h"
#include "common/thread_pool.h"
#include "engines/pocketsphinx/decoder.h"
#include "engines/pocketsphinx/domain_model.h"

namespace maestro::pocketsphinx {
namespace {

const char* kHmm = "/usr/share/pocketsphinx/model/en-us/en-us";
const char* kGeneralLm = "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin";
const char* kGeneralDict = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";

enum class Model { kAuto, kDomain, kGeneral };

struct Settings {
  Model model = Model::kAuto;
  double fallback_below = -250;
  double domain_weight = 0;
  size_t workers = std::max(1u, std::thread::hardware_concurrency());
  size_t queue = 64;
  audio::DecodeLimits limits;
  std::string data_dir = DefaultDataDir();
};

// The decoders one worker uses; a worker holds its set for the whole request.
struct DecoderSet {
  std::unique_ptr<Decoder> domain;
  std::unique_ptr<Decoder> general;
};

// Hands each running request a decoder set of its own. There are as many sets as workers, so a set is always
// free when a worker asks.
class DecoderPool {
 public:
  void Add(std::unique_ptr<DecoderSet> set) { free_.push_back(std::move(set)); }

  std::unique_ptr<DecoderSet> Take() {
    std::lock_guard lock(mutex_);
    auto set = std::move(free_.back());
    free_.pop_back();
    return set;
  }
  void Return(std::unique_ptr<DecoderSet> set) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(set));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<DecoderSet>> free_;
};

class PocketsphinxSpeechToText final : public SpeechToText {
 public:
  PocketsphinxSpeechToText(Settings settings, std::unique_ptr<DecoderPool> decoders)
      : settings_(std::move(settings)),
        decoders_(std::move(decoders)),
        pool_(std::make_unique<ThreadPool>(settings_.workers, settings_.queue, "pocketsphinx")) {}

  ~PocketsphinxSpeechToText() override { pool_.reset(); }  // finish queued work while the decoders exist

  void Transcribe(AudioClip clip, Deadline deadline, Callback<Transcript> done) override {
    if (clip.bytes.empty()) return done(InvalidArgument("pocketsphinx: empty audio"));
    if (clip.bytes.size() > settings_.limits.max_bytes) {
      return done(Status(StatusCode::kPayloadTooLarge, "pocketsphinx: audio of " + std::to_string(clip.bytes.size()) +
                                                           " bytes is above the limit of " +
                                                           std::to_string(settings_.limits.max_bytes)));
    }
    auto task = [this, clip = std::move(clip), deadline, done]() mutable { done(Run(clip, deadline)); };
    if (!pool_->Submit(std::move(task))) {
      done(Status(StatusCode::kOverloaded,
                  "pocketsphinx: " + std::to_string(settings_.queue) + " requests already wait for a decoder"));
    }
  }

 private:
  Result<Transcript> Run(const AudioClip& clip, const Deadline& deadline) {
    if (deadline.expired()) return DeadlineExceeded("pocketsphinx: the deadline passed while queued");
    auto audio = audio::DecodeToSpeechPcm(clip.bytes, settings_.limits);
    if (!audio.ok()) return audio.status();
    auto set = decoders_->Take();
    auto result = Recognise(*set, audio->samples, deadline);
    decoders_->Return(std::move(set));
    return result;
  }

  Result<Transcript> Recognise(DecoderSet& set, const std::vector<int16_t>& samples, const Deadline& deadline) {
    Decoder& first = settings_.model == Model::kGeneral ? *set.general : *set.domain;
    auto recognition = first.Decode(samples, deadline);
    if (!recognition.ok()) return recognition.status();
    if (settings_.model == Model::kAuto && recognition->language_per_word < settings_.fallback_below) {
      auto general = set.general->Decode(samples, deadline);
      if (!general.ok()) return general.status();
      recognition = std::move(general);
    }
    // A heuristic, not a probability: how well the LM explains the words, scaled so -500 per word and below is 0.
    const double confidence = std::clamp(1.0 + recognition->language_per_word / 500.0, 0.0, 1.0);
    return Transcript{recognition->text, "en-US", confidence};
  }

  Settings settings_;
  std::unique_ptr<DecoderPool> decoders_;
  std::unique_ptr<ThreadPool> pool_;
};

Result<double> TakeNumber(EngineOptions& options, const std::string& key, double fallback, double min, double max) {
  auto it = options.find(key);
  if (it == options.end()) return fallback;
  char* end = nullptr;
  const double value = std::strtod(it->second.c_str(), &end);
  if (end == it->second.c_str() || *end != '\0' || !(value >= min && value <= max)) {
    return InvalidArgument("pocketsphinx option " + key + "='" + it->second + "' must be a number from " +
                           std::to_string(min) + " to " + std::to_string(max));
  }
  options.erase(it);
  return value;
}

Result<Settings> ParseSettings(EngineOptions options) {
  Settings settings;
  if (auto it = options.find("model"); it != options.end()) {
    if (it->second == "auto") {
      settings.model = Model::kAuto;
    } else if (it->second == "domain") {
      settings.model = Model::kDomain;
    } else if (it->second == "general") {
      settings.model = Model::kGeneral;
    } else {
      return InvalidArgument("pocketsphinx option model='" + it->second + "' must be auto, domain or general");
    }
    options.erase(it);
  }
  if (auto it = options.find("data_dir"); it != options.end()) {
    settings.data_dir = it->second;
    options.erase(it);
  }
  auto fallback = TakeNumber(options, "fallback_below", settings.fallback_below, -100000, 0);
  auto weight = TakeNumber(options, "lw", settings.domain_weight, 0, 100);
  auto workers = TakeNumber(options, "workers", static_cast<double>(settings.workers), 1, 64);
  auto queue = TakeNumber(options, "queue", static_cast<double>(settings.queue), 1, 100000);
  auto seconds = TakeNumber(options, "max_seconds", settings.limits.max_seconds, 1, 3600);
  auto bytes = TakeNumber(options, "max_bytes", static_cast<double>(settings.limits.max_bytes), 1024, 1 << 30);
  for (const auto* taken : {&fallback, &weight, &workers, &queue, &seconds, &bytes}) {
    if (!taken->ok()) return taken->status();
  }
  if (!options.empty()) return InvalidArgument("pocketsphinx: unknown option '" + options.begin()->first + "'");
  settings.fallback_below = *fallback;
  settings.domain_weight = *weight;
  settings.workers = static_cast<size_t>(*workers);
  settings.queue = static_cast<size_t>(*queue);
  settings.limits.max_seconds = *seconds;
  settings.limits.max_bytes = static_cast<size_t>(*bytes);
  return settings;
}

// Builds the domain model into a private temporary folder; the decoders read it once, at creation.
Result<std::unique_ptr<DecoderPool>> CreateDecoders(const Settings& settings) {
  const bool need_domain = settings.model != Model::kGeneral;
  const bool need_general = settings.model != Model::kDomain;
  std::string folder = (std::filesystem::temp_directory_path() / "maestro-lm-XXXXXX").string();
  if (mkdtemp(folder.data()) == nullptr) return Internal("cannot create a temporary folder for the language model");
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } cleanup{folder};

  DecoderPaths domain_paths{kHmm, "", "", settings.domain_weight};
  if (need_domain) {
    auto model = BuildDomainModel(DefaultSources(settings.data_dir), folder);
    if (!model.ok()) return model.status();
    domain_paths.lm = model->lm_path;
    domain_paths.dict = model->dict_path;
  }
  auto pool = std::make_unique<DecoderPool>();
  for (size_t i = 0; i < settings.workers; ++i) {
    auto set = std::make_unique<DecoderSet>();
    if (need_domain) {
      auto decoder = Decoder::Create(domain_paths);
      if (!decoder.ok()) return decoder.status();
      set->domain = std::move(decoder.value());
    }
    if (need_general) {
      auto decoder = Decoder::Create({kHmm, kGeneralLm, kGeneralDict, 0});
      if (!decoder.ok()) return decoder.status();
      set->general = std::move(decoder.value());
    }
    pool->Add(std::move(set));
  }
  return pool;
}

}  // namespace

Result<std::unique_ptr<SpeechToText>> CreateSpeechToText(EngineOptions options) {
  auto settings = ParseSettings(std::move(options));
  if (!settings.ok()) return settings.status();
  auto decoders = CreateDecoders(*settings);
  if (!decoders.ok()) return decoders.status();
  return std::unique_ptr<SpeechToText>(new PocketsphinxSpeechToText(std::move(*settings), std::move(*decoders)));
}

void Register(EngineRegistry& registry) {
  registry.RegisterStt(kEngineName, kEngineDescription, [](const EngineOptions& o) { return CreateSpeechToText(o); });
}

}  // namespace maestro::pocketsphinx
