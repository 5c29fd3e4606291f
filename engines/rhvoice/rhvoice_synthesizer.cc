#include "engines/rhvoice/rhvoice_synthesizer.h"

#include <mutex>

#include "common/text.h"

namespace maestro::rhvoice {
namespace {

// RHVoice 1.8 shares state between the engines of one process: two engines speaking on two threads sometimes
// produce nothing or different audio. Every call into the library holds this lock.
std::mutex& LibraryLock() {
  static std::mutex lock;
  return lock;
}

// What one message collects through RHVoice's callbacks (their user_data).
struct Collector {
  SynthesizedSpeech speech;
  const Deadline* deadline = nullptr;
  size_t max_samples = 0;
  bool too_long = false;
};

int OnSampleRate(int sample_rate, void* user_data) {
  static_cast<Collector*>(user_data)->speech.sample_rate = sample_rate;
  return 1;
}

int OnSpeech(const short* samples, unsigned int count, void* user_data) {
  auto* collector = static_cast<Collector*>(user_data);
  if (collector->deadline->expired()) return 0;
  if (collector->speech.samples.size() + count > collector->max_samples) {
    collector->too_long = true;
    return 0;
  }
  collector->speech.samples.insert(collector->speech.samples.end(), samples, samples + count);
  return 1;
}

}  // namespace

Result<std::unique_ptr<RhvoiceSynthesizer>> RhvoiceSynthesizer::Create(const std::string& data_dir,
                                                                       const std::string& config_dir) {
  RHVoice_init_params params{};
  params.data_path = data_dir.c_str();
  params.config_path = config_dir.c_str();
  params.callbacks.set_sample_rate = OnSampleRate;
  params.callbacks.play_speech = OnSpeech;
  const std::lock_guard<std::mutex> hold(LibraryLock());
  RHVoice_tts_engine engine = RHVoice_new_tts_engine(&params);
  if (engine == nullptr || RHVoice_get_number_of_voices(engine) == 0) {
    if (engine != nullptr) RHVoice_delete_tts_engine(engine);
    return Status(StatusCode::kUnavailable, "rhvoice: no voices under " + data_dir +
                                                " (install rhvoice-brazilian-portuguese and rhvoice-english)");
  }
  return std::unique_ptr<RhvoiceSynthesizer>(new RhvoiceSynthesizer(engine));
}

RhvoiceSynthesizer::RhvoiceSynthesizer(RHVoice_tts_engine engine) : engine_(engine) {
  const unsigned count = RHVoice_get_number_of_voice_profiles(engine_);
  const char* const* profiles = RHVoice_get_voice_profiles(engine_);
  for (unsigned i = 0; i < count; ++i) profiles_.emplace_back(profiles[i]);
}

RhvoiceSynthesizer::~RhvoiceSynthesizer() {
  const std::lock_guard<std::mutex> hold(LibraryLock());
  RHVoice_delete_tts_engine(engine_);
}

std::string RhvoiceSynthesizer::ResolveProfile(const std::string& voice) const {
  const std::string wanted = Lower(voice);
  // The Brazilian voice's name carries an accent ("Letícia-F123"); without it RHVoice speaks silence.
  std::string alias = wanted;
  if (wanted == "pt-br" || wanted == "pt" || wanted == "pt_br") alias = "letícia-f123";
  if (wanted == "en-us" || wanted == "en" || wanted == "en_us") alias = "slt";
  for (const auto& profile : profiles_) {
    if (Lower(profile) == alias) return profile;
  }
  return "";
}

Result<SynthesizedSpeech> RhvoiceSynthesizer::Speak(const std::string& text, const std::string& profile, double rate,
                                                    const Deadline& deadline, size_t max_samples) {
  RHVoice_synth_params params{};
  params.voice_profile = profile.c_str();
  params.absolute_rate = 0;
  params.absolute_pitch = 0;
  params.absolute_volume = 0;
  params.relative_rate = rate;
  params.relative_pitch = 1;
  params.relative_volume = 1;
  params.punctuation_mode = RHVoice_punctuation_default;
  params.capitals_mode = RHVoice_capitals_default;
  Collector collector;
  collector.deadline = &deadline;
  collector.max_samples = max_samples;
  std::unique_lock<std::mutex> hold(LibraryLock());
  RHVoice_message message = RHVoice_new_message(engine_, text.c_str(), static_cast<unsigned>(text.size()),
                                                RHVoice_message_text, &params, &collector);
  if (message == nullptr) return Internal("rhvoice: the text was rejected");
  const int spoke = RHVoice_speak(message);
  RHVoice_delete_message(message);
  hold.unlock();
  if (deadline.expired()) return DeadlineExceeded("rhvoice: the deadline passed while speaking");
  if (collector.too_long) {
    return Status(StatusCode::kPayloadTooLarge,
                  "rhvoice: the speech is longer than " + std::to_string(max_samples) + " samples");
  }
  if (!spoke || collector.speech.samples.empty() || collector.speech.sample_rate <= 0) {
    return Internal("rhvoice: no speech was produced for voice " + profile);
  }
  return std::move(collector.speech);
}

}  // namespace maestro::rhvoice
