#include "engines/piper/piper_engine.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "audio/wav.h"
#include "common/text.h"
#include "common/thread_pool.h"
#include "engines/common/espeak_ng.h"
#include "engines/common/model_locator.h"
#include "engines/common/option_reader.h"
#include "engines/common/text_limit.h"
#include "engines/piper/piper_model.h"
#include "engines/piper/voice_config.h"

namespace maestro::piper {
namespace {

constexpr double kMaxSpeechSeconds = 600;
constexpr double kSentenceSilenceSeconds = 0.2;  // Piper's own pause between sentences

struct Settings {
  std::string model = "piper-en-us-joe";
  double rate = 1.0;
  double noise_scale = -1;  // below 0: the voice's own
  double noise_w = -1;
  int speaker = 0;
  int threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  size_t queue = 64;
  size_t max_text_bytes = 4096;
};

// Piper's loudness: each sentence is scaled so its peak reaches full scale (quiet sentences at most 100x).
void AppendScaled(const std::vector<float>& audio, std::vector<int16_t>& out) {
  float peak = 0.01F;
  for (float sample : audio) peak = std::max(peak, std::abs(sample));
  const float scale = 32767.0F / peak;
  for (float sample : audio) {
    out.push_back(static_cast<int16_t>(std::clamp(sample * scale, -32767.0F, 32767.0F)));
  }
}

// Joins eSpeak NG's clauses into sentences the way Piper was trained: each clause's phonemes, its punctuation,
// and a space after a clause that does not end the sentence.
std::vector<std::string> Sentences(const std::vector<espeak::PhonemeClause>& clauses) {
  std::vector<std::string> sentences;
  std::string current;
  for (const auto& clause : clauses) {
    current += clause.phonemes;
    if (clause.terminator != 0) current += clause.terminator;
    if (!clause.ends_sentence) {
      current += ' ';
      continue;
    }
    if (!IsBlank(current)) sentences.push_back(std::move(current));
    current.clear();
  }
  if (!IsBlank(current)) sentences.push_back(std::move(current));
  return sentences;
}

class PiperTextToSpeech final : public TextToSpeech {
 public:
  PiperTextToSpeech(Settings settings, VoiceConfig config, std::unique_ptr<PiperModel> model)
      : settings_(std::move(settings)),
        config_(std::move(config)),
        model_(std::move(model)),
        pool_(std::make_unique<ThreadPool>(1, settings_.queue, "piper")) {}

  ~PiperTextToSpeech() override { pool_.reset(); }  // finish queued work while the model exists

  void Synthesize(SynthesisRequest request, Deadline deadline, Callback<SpeechAudio> done) override {
    if (auto text = CheckSynthesisText("piper", request.text, settings_.max_text_bytes); !text.ok()) return done(text);
    if (!SpeaksVoice(request.voice)) {
      return done(
          InvalidArgument("piper: this voice speaks " + config_.language + " only, not '" + request.voice + "'"));
    }
    auto task = [this, request = std::move(request), deadline, done]() { done(Run(request.text, deadline)); };
    if (!pool_->Submit(std::move(task))) {
      done(Overloaded("piper: " + std::to_string(settings_.queue) + " requests already wait for the voice"));
    }
  }

 private:
  // An empty voice, the eSpeak NG voice ("en-us"), the language code ("en_US") or its language ("en").
  bool SpeaksVoice(const std::string& voice) const {
    if (voice.empty()) return true;
    std::string wanted = Lower(voice);
    std::replace(wanted.begin(), wanted.end(), '_', '-');
    std::string language = Lower(config_.language);
    std::replace(language.begin(), language.end(), '_', '-');
    return wanted == Lower(config_.espeak_voice) || wanted == language || wanted == language.substr(0, 2);
  }

  Result<SpeechAudio> Run(const std::string& text, const Deadline& deadline) {
    if (deadline.expired()) return DeadlineExceeded("piper: the deadline passed while queued");
    auto clauses = espeak::EspeakNg::Instance().Phonemize(text, config_.espeak_voice);
    if (!clauses.ok()) return clauses.status();
    const Scales scales{settings_.noise_scale >= 0 ? static_cast<float>(settings_.noise_scale) : config_.noise_scale,
                        static_cast<float>(config_.length_scale / settings_.rate),
                        settings_.noise_w >= 0 ? static_cast<float>(settings_.noise_w) : config_.noise_w};
    const auto max_samples = static_cast<size_t>(kMaxSpeechSeconds * config_.sample_rate);
    const auto silence = static_cast<size_t>(kSentenceSilenceSeconds * config_.sample_rate);
    std::vector<int16_t> samples;
    for (const auto& sentence : Sentences(*clauses)) {
      if (deadline.expired()) return DeadlineExceeded("piper: the deadline passed during synthesis");
      auto audio = model_->Infer(PhonemeIds(config_, sentence), scales, settings_.speaker);
      if (!audio.ok()) return audio.status();
      if (!samples.empty()) samples.insert(samples.end(), silence, 0);
      AppendScaled(*audio, samples);
      if (samples.size() > max_samples) return PayloadTooLarge("piper: speech longer than the limit");
    }
    if (samples.empty()) return InvalidArgument("piper: the text holds nothing to speak");
    return SpeechAudio{audio::EncodeWav(samples, config_.sample_rate)};
  }

  Settings settings_;
  VoiceConfig config_;
  std::unique_ptr<PiperModel> model_;
  std::unique_ptr<ThreadPool> pool_;
};

Result<Settings> ParseSettings(EngineOptions options) {
  Settings settings;
  OptionReader reader("piper", std::move(options));
  settings.model = reader.TakeString("model", settings.model);
  auto rate = reader.TakeNumber("rate", settings.rate, 0.5, 2.0);
  auto noise_scale = reader.TakeNumber("noise_scale", settings.noise_scale, 0, 2);
  auto noise_w = reader.TakeNumber("noise_w", settings.noise_w, 0, 2);
  auto speaker = reader.TakeInteger("speaker", settings.speaker, 0, 10000);
  auto threads = reader.TakeInteger("threads", settings.threads, 1, 64);
  auto queue = reader.TakeInteger("queue", static_cast<long>(settings.queue), 1, 100000);
  auto max_text = reader.TakeInteger("max_text", static_cast<long>(settings.max_text_bytes), 1, 1 << 20);
  for (const auto* taken : {&rate, &noise_scale, &noise_w}) {
    if (!taken->ok()) return taken->status();
  }
  for (const auto* taken : {&speaker, &threads, &queue, &max_text}) {
    if (!taken->ok()) return taken->status();
  }
  if (auto status = reader.Finish(); !status.ok()) return status;
  settings.rate = *rate;
  settings.noise_scale = *noise_scale;
  settings.noise_w = *noise_w;
  settings.speaker = static_cast<int>(*speaker);
  settings.threads = static_cast<int>(*threads);
  settings.queue = static_cast<size_t>(*queue);
  settings.max_text_bytes = static_cast<size_t>(*max_text);
  return settings;
}

// RETURNS the voice's configuration: the catalog's `<name>-config` entry, or the file beside a given path.
Result<VoiceConfig> LoadConfig(const std::string& model, const std::string& model_path) {
  std::string path = model_path + ".json";
  if (model.find('/') == std::string::npos) {
    auto located = LocateModel("piper", model + "-config");
    if (!located.ok()) return located.status();
    path = *located;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("piper: cannot read the voice configuration " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseVoiceConfig(text.str());
}

}  // namespace

Result<std::unique_ptr<TextToSpeech>> CreateTextToSpeech(EngineOptions options) {
  auto settings = ParseSettings(std::move(options));
  if (!settings.ok()) return settings.status();
  auto model_path = LocateModel("piper", settings->model);
  if (!model_path.ok()) return model_path.status();
  auto config = LoadConfig(settings->model, *model_path);
  if (!config.ok()) return config.status();
  if (settings->speaker >= config->speakers) {
    return InvalidArgument("piper option speaker=" + std::to_string(settings->speaker) + ": the voice has " +
                           std::to_string(config->speakers) + " speaker(s)");
  }
  if (!espeak::EspeakNg::Instance().IsKnownVoice(config->espeak_voice)) {
    return InvalidArgument("piper: eSpeak NG has no voice '" + config->espeak_voice + "' to read this voice's text");
  }
  auto model = PiperModel::Load(*model_path, settings->threads);
  if (!model.ok()) return model.status();
  return std::unique_ptr<TextToSpeech>(
      new PiperTextToSpeech(std::move(*settings), std::move(*config), std::move(*model)));
}

void Register(EngineRegistry& registry) {
  registry.RegisterTts("piper",
                       "Piper (VITS in ONNX Runtime), embedded: English (en_US-joe-medium); options "
                       "model=piper-en-us-joe|PATH, rate=1.0, noise_scale and noise_w (the voice's; 0 speaks the same "
                       "audio every time), speaker=0, threads=<cores>, queue=64, max_text=4096",
                       [](const EngineOptions& o) { return CreateTextToSpeech(o); });
}

}  // namespace maestro::piper
