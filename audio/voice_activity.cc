#include "audio/voice_activity.h"

#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

#include <algorithm>

namespace maestro::audio {
namespace {

size_t Frames(std::chrono::milliseconds span) {
  return static_cast<size_t>(std::max<int64_t>(1, span.count() / 10));
}

}  // namespace

struct VoiceDetector::Impl {
  std::unique_ptr<webrtc::AudioProcessing> apm;
  webrtc::AudioFrame frame;
};

VoiceDetector::VoiceDetector(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VoiceDetector::~VoiceDetector() = default;

Result<std::unique_ptr<VoiceDetector>> VoiceDetector::Create() {
  auto impl = std::make_unique<Impl>();
  impl->apm.reset(webrtc::AudioProcessing::Create());
  if (!impl->apm) return Internal("WebRTC audio processing could not be created");
  // Only the voice detector runs: no echo cancellation, gain control or noise suppression is switched on.
  auto* vad = impl->apm->voice_detection();
  if (vad->Enable(true) != 0 || vad->set_frame_size_ms(10) != 0 ||
      vad->set_likelihood(webrtc::VoiceDetection::kModerateLikelihood) != 0) {
    return Internal("WebRTC voice detection could not be configured");
  }
  return std::unique_ptr<VoiceDetector>(new VoiceDetector(std::move(impl)));
}

bool VoiceDetector::IsSpeech(std::span<const int16_t> frame) {
  impl_->frame.UpdateFrame(0, 0, frame.data(), frame.size(), kVadSampleRate, webrtc::AudioFrame::kNormalSpeech,
                           webrtc::AudioFrame::kVadUnknown, 1);
  if (impl_->apm->ProcessStream(&impl_->frame) != 0) return false;
  return impl_->apm->voice_detection()->stream_has_voice();
}

UtteranceDetector::UtteranceDetector(std::unique_ptr<VoiceDetector> detector, UtteranceOptions options)
    : detector_(std::move(detector)), options_(options) {}

std::vector<UtteranceDetector::Event> UtteranceDetector::Push(std::span<const int16_t> samples) {
  std::vector<Event> events;
  partial_.insert(partial_.end(), samples.begin(), samples.end());
  size_t used = 0;
  for (; used + kVadFrameSamples <= partial_.size(); used += kVadFrameSamples) {
    Event event = OnFrame(std::span<const int16_t>(partial_).subspan(used, kVadFrameSamples));
    if (event != Event::kNone) events.push_back(event);
  }
  partial_.erase(partial_.begin(), partial_.begin() + static_cast<ptrdiff_t>(used));
  return events;
}

UtteranceDetector::Event UtteranceDetector::OnFrame(std::span<const int16_t> frame) {
  const bool speech = detector_->IsSpeech(frame) && ++frames_seen_ > Frames(options_.warm_up);
  if (!in_speech_) {
    recent_.insert(recent_.end(), frame.begin(), frame.end());
    const size_t keep = Frames(options_.pre_roll) * kVadFrameSamples;
    if (recent_.size() > keep) recent_.erase(recent_.begin(), recent_.end() - static_cast<ptrdiff_t>(keep));
    recent_votes_.push_back(speech);
    if (recent_votes_.size() > Frames(options_.start_window)) recent_votes_.erase(recent_votes_.begin());
    if (static_cast<size_t>(std::count(recent_votes_.begin(), recent_votes_.end(), true)) <
        Frames(options_.start_speech)) {
      return Event::kNone;
    }
    in_speech_ = true;
    silent_frames_ = 0;
    current_ = std::move(recent_);
    recent_.clear();
    recent_votes_.clear();
    return Event::kSpeechStarted;
  }
  current_.insert(current_.end(), frame.begin(), frame.end());
  silent_frames_ = speech ? 0 : silent_frames_ + 1;
  const bool too_long = current_.size() >= Frames(options_.max_utterance) * kVadFrameSamples;
  if (silent_frames_ < Frames(options_.end_silence) && !too_long) return Event::kNone;
  current_.resize(current_.size() - std::min(current_.size(), silent_frames_ * kVadFrameSamples));
  EndNow();
  return Event::kUtteranceEnded;
}

bool UtteranceDetector::EndNow() {
  if (!in_speech_) return false;
  in_speech_ = false;
  silent_frames_ = 0;
  utterance_ = std::move(current_);
  current_.clear();
  return true;
}

}  // namespace maestro::audio
