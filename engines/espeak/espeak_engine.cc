#include "engines/espeak/espeak_engine.h"

#include <cstdlib>

#include "audio/wav.h"
#include "engines/common/espeak_ng.h"
#include "engines/common/text_limit.h"

namespace maestro::espeak {
namespace {

// The longest speech one request may produce; slow speech of 4096 bytes of text fits easily.
constexpr double kMaxSpeechSeconds = 600;

struct Settings {
  std::string voice = "en-us";
  int rate_wpm = 175;
  size_t max_text_bytes = 4096;
  size_t max_waiting = 64;
};

Result<long> TakeInteger(EngineOptions& options, const std::string& key, long fallback, long min, long max) {
  auto it = options.find(key);
  if (it == options.end()) return fallback;
  char* end = nullptr;
  const long value = std::strtol(it->second.c_str(), &end, 10);
  if (end == it->second.c_str() || *end != '\0' || value < min || value > max) {
    return InvalidArgument("espeak option " + key + "='" + it->second + "' must be an integer from " +
                           std::to_string(min) + " to " + std::to_string(max));
  }
  options.erase(it);
  return value;
}

class EspeakTextToSpeech final : public TextToSpeech {
 public:
  explicit EspeakTextToSpeech(Settings settings) : settings_(std::move(settings)) {}

  void Synthesize(SynthesisRequest request, Deadline deadline, Callback<SpeechAudio> done) override {
    if (auto text = CheckSynthesisText("espeak", request.text, settings_.max_text_bytes); !text.ok()) return done(text);
    auto& synthesizer = EspeakNg::Instance();
    SpeakJob job;
    job.voice = request.voice.empty() ? settings_.voice : request.voice;
    if (!synthesizer.IsKnownVoice(job.voice)) {
      return done(InvalidArgument("espeak: unknown voice '" + job.voice + "' (try en-us or pt-br)"));
    }
    job.text = std::move(request.text);
    job.rate_wpm = settings_.rate_wpm;
    job.deadline = deadline;
    job.max_samples = static_cast<size_t>(kMaxSpeechSeconds * kSampleRate);
    auto on_done = [done](Result<std::vector<int16_t>> samples) {
      if (!samples.ok()) return done(samples.status());
      done(SpeechAudio{audio::EncodeWav(*samples, kSampleRate)});
    };
    if (!synthesizer.Submit(std::move(job), settings_.max_waiting, on_done)) {
      done(Status(StatusCode::kOverloaded, "espeak: " + std::to_string(settings_.max_waiting) +
                                               " requests already wait for the synthesis thread"));
    }
  }

 private:
  Settings settings_;
};

}  // namespace

Result<std::unique_ptr<TextToSpeech>> CreateTextToSpeech(EngineOptions options) {
  Settings settings;
  if (auto it = options.find("voice"); it != options.end()) {
    settings.voice = it->second;
    options.erase(it);
  }
  auto rate = TakeInteger(options, "rate", settings.rate_wpm, 80, 450);
  auto max_text = TakeInteger(options, "max_text", static_cast<long>(settings.max_text_bytes), 1, 1 << 20);
  auto queue = TakeInteger(options, "queue", static_cast<long>(settings.max_waiting), 1, 1 << 16);
  for (const auto* taken : {&rate, &max_text, &queue}) {
    if (!taken->ok()) return taken->status();
  }
  if (!options.empty()) return InvalidArgument("espeak: unknown option '" + options.begin()->first + "'");
  settings.rate_wpm = static_cast<int>(*rate);
  settings.max_text_bytes = static_cast<size_t>(*max_text);
  settings.max_waiting = static_cast<size_t>(*queue);
  if (!EspeakNg::Instance().IsKnownVoice(settings.voice)) {
    return InvalidArgument("espeak: unknown voice '" + settings.voice + "' (try en-us or pt-br)");
  }
  return std::unique_ptr<TextToSpeech>(new EspeakTextToSpeech(std::move(settings)));
}

void Register(EngineRegistry& registry) {
  registry.RegisterTts(
      "espeak",
      "eSpeak NG synthesis to 22050 Hz WAV, one synthesis thread per process; options voice=en-us|pt-br"
      "|<any eSpeak voice>[+variant], rate=80..450 wpm (175), max_text=4096 bytes, queue=64",
      [](const EngineOptions& o) { return CreateTextToSpeech(o); });
}

}  // namespace maestro::espeak
