#include "engines/emulated/emulated_engines.h"

#include <cmath>
#include <memory>
#include <random>
#include <string_view>
#include <vector>

#include "audio/wav.h"
#include "engines/emulated/service_time.h"

namespace maestro::emulated {
namespace {

constexpr int kTtsSampleRate = 22050;
constexpr size_t kMaxPromptBytes = 64 * 1024;
constexpr size_t kMaxTextBytes = 64 * 1024;

Result<double> TakeCount(EngineOptions& options, const std::string& key, double fallback, double max) {
  auto it = options.find(key);
  if (it == options.end()) return fallback;
  char* end = nullptr;
  double value = std::strtod(it->second.c_str(), &end);
  if (end == it->second.c_str() || *end != '\0' || !(value >= 0) || value > max) {
    return InvalidArgument("option " + key + "='" + it->second + "' must be a number from 0 to " +
                           std::to_string(static_cast<int64_t>(max)));
  }
  options.erase(it);
  return value;
}

class EmulatedSpeechToText final : public SpeechToText {
 public:
  EmulatedSpeechToText(ServiceTimeConfig time, std::string transcript)
      : transcript_(std::move(transcript)), time_(time) {}

  void Transcribe(AudioClip clip, Deadline deadline, Callback<Transcript> done) override {
    if (clip.bytes.empty()) return done(Status(StatusCode::kInvalidArgument, "empty audio"));
    time_.Schedule([this, deadline, done = std::move(done)] {
      if (deadline.expired()) return done(DeadlineExceeded("emulated stt ran past the deadline"));
      done(Transcript{transcript_, "en-US", 1.0});
    });
  }

 private:
  std::string transcript_;
  // Declared last, so destroyed first: its threads run jobs that read the members above, and must be joined
  // before those die.
  ServiceTime time_;
};

class EmulatedLanguageModel final : public LanguageModel {
 public:
  EmulatedLanguageModel(ServiceTimeConfig time, int words, double piece_ms, int sentence_words) : time_(time) {
    static const char* kVocabulary[] = {"the",    "index",  "rose",    "fell",   "percent",  "shares",
                                        "market", "return", "risk",    "income", "fixed",    "stock",
                                        "price",  "ticker", "company", "year",   "dividend", "volatility"};
    std::mt19937_64 rng(time.seed);
    for (int i = 0; i < words; ++i) {
      if (i > 0) answer_ += ' ';
      pieces_.emplace_back((i > 0 ? " " : "") + std::string(kVocabulary[rng() % std::size(kVocabulary)]));
      // A full stop every sentence_words words, so that a streaming pipeline has sentences to speak early.
      if (sentence_words > 0 && ((i + 1) % sentence_words == 0 || i + 1 == words)) pieces_.back() += '.';
      answer_ += pieces_.back().substr(i > 0 ? 1 : 0);
    }
    if (piece_ms > 0) pace_ = std::make_unique<ServiceTime>(ServiceTimeConfig{.mean_ms = piece_ms});
  }

  void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) override {
    // A paced answer takes as long unary as streamed: the unary caller waits for the last piece.
    if (pace_)
      return GenerateStreaming(
          std::move(request), deadline, [](std::string_view) { return true; }, done);
    if (auto status = Check(request); !status.ok()) return done(status);
    time_.Schedule([this, deadline, done = std::move(done)] {
      if (deadline.expired()) return done(DeadlineExceeded("emulated llm ran past the deadline"));
      done(Generation{answer_, "en", {"emulated"}});
    });
  }

  void GenerateStreaming(GenerationRequest request, Deadline deadline, PieceSink on_piece,
                         Callback<Generation> done) override {
    if (!pace_) return LanguageModel::GenerateStreaming(std::move(request), deadline, std::move(on_piece), done);
    if (auto status = Check(request); !status.ok()) return done(status);
    auto call = std::make_shared<PacedCall>(PacedCall{deadline, std::move(on_piece), std::move(done), {}, 0});
    time_.Schedule([this, call] { Emit(call); });
  }

 private:
  struct PacedCall {
    Deadline deadline;
    PieceSink on_piece;
    Callback<Generation> done;
    std::string text;  // what was handed over so far
    size_t next = 0;
  };

  static Status Check(const GenerationRequest& request) {
    if (request.prompt.empty()) return InvalidArgument("empty prompt");
    if (request.prompt.size() > kMaxPromptBytes) return Status(StatusCode::kPayloadTooLarge, "prompt above 64 KiB");
    return Status::Ok();
  }

  // Hands over the next piece, then waits piece_ms for the one after it.
  void Emit(const std::shared_ptr<PacedCall>& call) {
    if (call->deadline.expired()) return call->done(DeadlineExceeded("emulated llm ran past the deadline"));
    if (call->next == pieces_.size()) return call->done(Generation{answer_, "en", {"emulated"}});
    const std::string& piece = pieces_[call->next++];
    if (!call->on_piece(piece)) return call->done(Generation{call->text, "en", {"emulated"}});
    call->text += piece;
    if (call->next == pieces_.size()) return call->done(Generation{answer_, "en", {"emulated"}});
    pace_->Schedule([this, call] { Emit(call); });
  }

  std::string answer_;
  std::vector<std::string> pieces_;    // the answer word by word, each but the first with its leading space
  std::unique_ptr<ServiceTime> pace_;  // piece_ms between pieces; null when the answer comes whole
  // Declared last, so destroyed first: its threads run jobs that read the members above (and schedule on pace_),
  // and must be joined before those die.
  ServiceTime time_;
};

class EmulatedTextToSpeech final : public TextToSpeech {
 public:
  EmulatedTextToSpeech(ServiceTimeConfig time, double seconds) : time_(time) {
    // A quiet 220 Hz tone: real-sized audio that any WAV reader accepts.
    std::vector<int16_t> samples(static_cast<size_t>(seconds * kTtsSampleRate));
    for (size_t i = 0; i < samples.size(); ++i) {
      samples[i] = static_cast<int16_t>(3000 * std::sin(2 * M_PI * 220.0 * static_cast<double>(i) / kTtsSampleRate));
    }
    wav_ = audio::EncodeWav(samples, kTtsSampleRate);
  }

  void Synthesize(SynthesisRequest request, Deadline deadline, Callback<SpeechAudio> done) override {
    if (request.text.empty()) return done(InvalidArgument("empty text"));
    if (request.text.size() > kMaxTextBytes) return done(Status(StatusCode::kPayloadTooLarge, "text above 64 KiB"));
    time_.Schedule([this, deadline, done = std::move(done)] {
      if (deadline.expired()) return done(DeadlineExceeded("emulated tts ran past the deadline"));
      done(SpeechAudio{wav_});
    });
  }

 private:
  std::string wav_;
  // Declared last, so destroyed first: its threads run jobs that read the members above, and must be joined
  // before those die.
  ServiceTime time_;
};

}  // namespace

Result<std::unique_ptr<SpeechToText>> CreateSpeechToText(EngineOptions options) {
  auto time = TakeServiceTimeConfig(options);
  if (!time.ok()) return time.status();
  std::string transcript = "what is the ticker symbol of petrobras";
  if (auto it = options.find("transcript"); it != options.end()) {
    transcript = it->second;
    options.erase(it);
  }
  if (auto status = RejectUnknownOptions(options, "emulated stt"); !status.ok()) return status;
  return std::unique_ptr<SpeechToText>(new EmulatedSpeechToText(*time, transcript));
}

Result<std::unique_ptr<LanguageModel>> CreateLanguageModel(EngineOptions options) {
  auto time = TakeServiceTimeConfig(options);
  if (!time.ok()) return time.status();
  auto words = TakeCount(options, "words", 50, 100000);
  if (!words.ok()) return words.status();
  auto piece_ms = TakeCount(options, "piece_ms", 0, 60000);
  if (!piece_ms.ok()) return piece_ms.status();
  auto sentence_words = TakeCount(options, "sentence_words", 0, 100000);
  if (!sentence_words.ok()) return sentence_words.status();
  if (auto status = RejectUnknownOptions(options, "emulated llm"); !status.ok()) return status;
  return std::unique_ptr<LanguageModel>(
      new EmulatedLanguageModel(*time, static_cast<int>(*words), *piece_ms, static_cast<int>(*sentence_words)));
}

Result<std::unique_ptr<TextToSpeech>> CreateTextToSpeech(EngineOptions options) {
  auto time = TakeServiceTimeConfig(options);
  if (!time.ok()) return time.status();
  auto seconds = TakeCount(options, "seconds", 10, 600);
  if (!seconds.ok()) return seconds.status();
  if (auto status = RejectUnknownOptions(options, "emulated tts"); !status.ok()) return status;
  return std::unique_ptr<TextToSpeech>(new EmulatedTextToSpeech(*time, *seconds));
}

void Register(EngineRegistry& registry) {
  const char* common = "EMULATED stand-in for protocol measurements; options service_ms, sd_ms, mode=sleep|busy, seed";
  registry.RegisterStt("emulated", std::string(common) + ", transcript",
                       [](const EngineOptions& o) { return CreateSpeechToText(o); });
  registry.RegisterLlm("emulated", std::string(common) + ", words, piece_ms, sentence_words",
                       [](const EngineOptions& o) { return CreateLanguageModel(o); });
  registry.RegisterTts("emulated", std::string(common) + ", seconds",
                       [](const EngineOptions& o) { return CreateTextToSpeech(o); });
}

}  // namespace maestro::emulated
