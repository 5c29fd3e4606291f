#include "engines/rhvoice/rhvoice_engine.h"

#include "audio/wav.h"
#include "common/thread_pool.h"
#include "engines/common/option_reader.h"
#include "engines/common/text_limit.h"
#include "engines/rhvoice/rhvoice_synthesizer.h"

namespace maestro::rhvoice {
namespace {

// The longest speech one request may produce, in seconds at RHVoice's highest rate (24 kHz).
constexpr size_t kMaxSpeechSamples = 600 * 24000;

struct Settings {
  std::string voice = "en-us";
  double rate = 1.0;
  size_t queue = 64;
  size_t max_text_bytes = 4096;
  std::string data_dir = "/usr/share/RHVoice";
  std::string config_dir = "/etc/RHVoice";
};

class RhvoiceTextToSpeech final : public TextToSpeech {
 public:
  RhvoiceTextToSpeech(Settings settings, std::unique_ptr<RhvoiceSynthesizer> synthesizer, std::string default_profile)
      : settings_(std::move(settings)),
        default_profile_(std::move(default_profile)),
        synthesizer_(std::move(synthesizer)),
        pool_(std::make_unique<ThreadPool>(1, settings_.queue, "rhvoice")) {}

  ~RhvoiceTextToSpeech() override { pool_.reset(); }  // finish queued work while the synthesizer exists

  void Synthesize(SynthesisRequest request, Deadline deadline, Callback<SpeechAudio> done) override {
    if (auto text = CheckSynthesisText("rhvoice", request.text, settings_.max_text_bytes); !text.ok())
      return done(text);
    auto task = [this, request = std::move(request), deadline, done]() { done(Run(request, deadline)); };
    if (!pool_->Submit(std::move(task))) {
      done(Status(StatusCode::kOverloaded,
                  "rhvoice: " + std::to_string(settings_.queue) + " requests already wait for a voice"));
    }
  }

 private:
  Result<SpeechAudio> Run(const SynthesisRequest& request, const Deadline& deadline) {
    if (deadline.expired()) return DeadlineExceeded("rhvoice: the deadline passed while queued");
    auto speech = Speak(request, deadline);
    if (!speech.ok()) return speech.status();
    return SpeechAudio{audio::EncodeWav(speech->samples, speech->sample_rate)};
  }

  Result<SynthesizedSpeech> Speak(const SynthesisRequest& request, const Deadline& deadline) {
    std::string profile = default_profile_;
    if (!request.voice.empty()) {
      profile = synthesizer_->ResolveProfile(request.voice);
      if (profile.empty()) {
        return InvalidArgument("rhvoice: unknown voice '" + request.voice + "' (try pt-br, en-us or an RHVoice name)");
      }
    }
    return synthesizer_->Speak(request.text, profile, settings_.rate, deadline, kMaxSpeechSamples);
  }

  Settings settings_;
  std::string default_profile_;
  std::unique_ptr<RhvoiceSynthesizer> synthesizer_;
  std::unique_ptr<ThreadPool> pool_;
};

Result<Settings> ParseSettings(EngineOptions options) {
  Settings settings;
  OptionReader reader("rhvoice", std::move(options));
  settings.voice = reader.TakeString("voice", settings.voice);
  settings.data_dir = reader.TakeString("data_dir", settings.data_dir);
  settings.config_dir = reader.TakeString("config_dir", settings.config_dir);
  auto rate = reader.TakeNumber("rate", settings.rate, 0.5, 2.0);
  auto queue = reader.TakeInteger("queue", static_cast<long>(settings.queue), 1, 100000);
  auto max_text = reader.TakeInteger("max_text", static_cast<long>(settings.max_text_bytes), 1, 1 << 20);
  if (!rate.ok()) return rate.status();
  for (const auto* taken : {&queue, &max_text}) {
    if (!taken->ok()) return taken->status();
  }
  if (auto status = reader.Finish(); !status.ok()) return status;
  settings.rate = *rate;
  settings.queue = static_cast<size_t>(*queue);
  settings.max_text_bytes = static_cast<size_t>(*max_text);
  return settings;
}

}  // namespace

Result<std::unique_ptr<TextToSpeech>> CreateTextToSpeech(EngineOptions options) {
  auto settings = ParseSettings(std::move(options));
  if (!settings.ok()) return settings.status();
  auto synthesizer = RhvoiceSynthesizer::Create(settings->data_dir, settings->config_dir);
  if (!synthesizer.ok()) return synthesizer.status();
  std::string default_profile = (*synthesizer)->ResolveProfile(settings->voice);
  if (default_profile.empty()) {
    return InvalidArgument("rhvoice option voice='" + settings->voice + "' is not a voice RHVoice knows");
  }
  return std::unique_ptr<TextToSpeech>(
      new RhvoiceTextToSpeech(std::move(*settings), std::move(*synthesizer), std::move(default_profile)));
}

void Register(EngineRegistry& registry) {
  registry.RegisterTts(kEngineName, kEngineDescription, [](const EngineOptions& o) { return CreateTextToSpeech(o); });
}

}  // namespace maestro::rhvoice
