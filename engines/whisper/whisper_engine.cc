#include "engines/whisper/whisper_engine.h"

#include <whisper.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "audio/decode.h"
#include "common/text.h"
#include "common/thread_pool.h"
#include "engines/common/ggml_runtime.h"
#include "engines/common/model_locator.h"
#include "engines/common/option_reader.h"
#include "engines/common/resource_pool.h"
#include "engines/whisper/audio_context.h"
#include "engines/whisper/encoder_pass.h"
#include "engines/whisper/greedy_decoder.h"
#include "engines/whisper/language_id.h"
#include "engines/whisper/model_file.h"

namespace maestro::whisper {
namespace {

// Company, index and rate names the decoder would otherwise spell as ordinary words, and the word "ticker" (RHVoice's
// "ticker" was heard as "Chikar"). No tickers themselves: with "PETR4" in the hint, "Petrobras" was heard as
// "petr4bras".
constexpr const char* kVocabularyHint =
    "Petrobras, Vale, Itaú, Banco do Brasil, Ibovespa, renda fixa, CDI, Selic, Apple, Microsoft, Amazon, Nasdaq, "
    "ticker.";

struct Settings {
  std::string model = kDefaultModel;
  std::string language = "auto";
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int beam = 1;
  size_t workers = 1;
  size_t queue = 16;
  int audio_ctx_min = 512;
  audio::DecodeLimits limits;
  std::string prompt = kVocabularyHint;
};

struct ContextDeleter {
  void operator()(whisper_context* context) const { whisper_free(context); }
};
struct StateDeleter {
  void operator()(whisper_state* state) const { whisper_free_state(state); }
};
using ContextPtr = std::unique_ptr<whisper_context, ContextDeleter>;
using StatePtr = std::unique_ptr<whisper_state, StateDeleter>;

using StatePool = ResourcePool<StatePtr>;

std::string LanguageTag(const std::string& code) {
  return code == "pt" ? "pt-BR" : code == "en" ? "en" : code;
}

class WhisperSpeechToText final : public SpeechToText {
 public:
  WhisperSpeechToText(Settings settings, ContextPtr context, std::unique_ptr<StatePool> states)
      : settings_(std::move(settings)),
        context_(std::move(context)),
        states_(std::move(states)),
        decoder_(context_.get(), settings_.prompt),
        pool_(std::make_unique<ThreadPool>(settings_.workers, settings_.queue, "whisper")) {}

  ~WhisperSpeechToText() override { pool_.reset(); }  // finish queued work while the model exists

  void Transcribe(AudioClip clip, Deadline deadline, Callback<Transcript> done) override {
    if (clip.bytes.empty()) return done(InvalidArgument("whisper: empty audio"));
    if (clip.bytes.size() > settings_.limits.max_bytes) {
      return done(Status(StatusCode::kPayloadTooLarge, "whisper: audio of " + std::to_string(clip.bytes.size()) +
                                                           " bytes is above the limit of " +
                                                           std::to_string(settings_.limits.max_bytes)));
    }
    auto task = [this, clip = std::move(clip), deadline, done]() mutable { done(Run(clip, deadline)); };
    if (!pool_->Submit(std::move(task))) {
      done(Status(StatusCode::kOverloaded,
                  "whisper: " + std::to_string(settings_.queue) + " requests already wait for a decoder"));
    }
  }

 private:
  Result<Transcript> Run(const AudioClip& clip, const Deadline& deadline) {
    if (deadline.expired()) return DeadlineExceeded("whisper: the deadline passed while queued");
    auto audio = audio::DecodeToSpeechPcm(clip.bytes, settings_.limits);
    if (!audio.ok()) return audio.status();
    std::vector<float> pcm(audio->samples.size());
    std::transform(audio->samples.begin(), audio->samples.end(), pcm.begin(),
                   [](int16_t sample) { return static_cast<float>(sample) / 32768.0f; });
    auto state = states_->Take();
    auto result = Recognise(state.get(), pcm, deadline);
    states_->Return(std::move(state));
    return result;
  }

  // Short clips (the assistant's questions) take one encoder pass, shared by language identification and a
  // greedy decoder. Beam search, clips longer than one window and transcripts the greedy decoder finds
  // unreliable go through whisper_full, which encodes again.
  Result<Transcript> Recognise(whisper_state* state, const std::vector<float>& pcm, const Deadline& deadline) {
    if (auto status = ComputeSpectrogram(context_.get(), state, pcm, settings_.threads); !status.ok()) return status;
    const bool one_window = pcm.size() <= kWindowSamples;
    const int audio_ctx =
        one_window ? FittedAudioContext(pcm.size(), settings_.audio_ctx_min, whisper_n_audio_ctx(context_.get())) : 0;
    std::string language = settings_.language;
    if (language == "auto" || (one_window && settings_.beam == 1)) {
      if (auto status = EncodeFirstWindow(context_.get(), state, audio_ctx, settings_.threads); !status.ok()) {
        return status;
      }
      if (deadline.expired()) return DeadlineExceeded("whisper: the deadline passed while encoding");
    }
    if (language == "auto") {
      auto detected = IdentifyPortugueseOrEnglish(context_.get(), state, settings_.threads);
      if (!detected.ok()) return detected.status();
      language = *detected;
    }
    if (one_window && settings_.beam == 1) {
      auto greedy = decoder_.Decode(state, language, settings_.threads, deadline);
      if (!greedy.ok()) return greedy.status();
      if (greedy->reliable) return Transcript{std::string(Trim(greedy->text)), LanguageTag(language), 1.0};
    }
    return DecodeFully(state, language, audio_ctx, deadline);
  }

  Result<Transcript> DecodeFully(whisper_state* state, const std::string& language, int audio_ctx,
                                 const Deadline& deadline) {
    auto params =
        whisper_full_default_params(settings_.beam > 1 ? WHISPER_SAMPLING_BEAM_SEARCH : WHISPER_SAMPLING_GREEDY);
    params.n_threads = settings_.threads;
    params.beam_search.beam_size = settings_.beam;
    params.language = language.c_str();
    params.translate = false;
    params.no_context = true;
    params.print_progress = false;
    params.print_realtime = false;
    params.print_timestamps = false;
    params.print_special = false;
    params.suppress_nst = true;
    params.audio_ctx = audio_ctx;
    params.initial_prompt = settings_.prompt.empty() ? nullptr : settings_.prompt.c_str();
    params.abort_callback = [](void* data) { return static_cast<const Deadline*>(data)->expired(); };
    params.abort_callback_user_data = const_cast<Deadline*>(&deadline);
    // No samples: whisper_full reuses the spectrogram already in the state.
    const int rc = whisper_full_with_state(context_.get(), state, params, nullptr, 0);
    if (deadline.expired()) return DeadlineExceeded("whisper: the deadline passed while decoding");
    if (rc != 0) return Internal("whisper: decoding failed (code " + std::to_string(rc) + ")");
    std::string text;
    const int segments = whisper_full_n_segments_from_state(state);
    for (int i = 0; i < segments; ++i) text += whisper_full_get_segment_text_from_state(state, i);
    return Transcript{std::string(Trim(text)), LanguageTag(language), 1.0};
  }

  Settings settings_;
  ContextPtr context_;
  std::unique_ptr<StatePool> states_;
  GreedyDecoder decoder_;
  std::unique_ptr<ThreadPool> pool_;
};

Result<Settings> ParseSettings(EngineOptions options) {
  Settings settings;
  OptionReader reader("whisper", std::move(options));
  settings.model = reader.TakeString("model", settings.model);
  settings.language = reader.TakeString("language", settings.language);
  settings.prompt = reader.TakeString("prompt", settings.prompt);
  auto threads = reader.TakeInteger("threads", settings.threads, 1, 64);
  auto beam = reader.TakeInteger("beam", settings.beam, 1, 8);
  auto workers = reader.TakeInteger("workers", static_cast<long>(settings.workers), 1, 16);
  auto queue = reader.TakeInteger("queue", static_cast<long>(settings.queue), 1, 100000);
  auto audio_ctx_min = reader.TakeInteger("audio_ctx_min", settings.audio_ctx_min, 0, 1500);
  auto seconds = reader.TakeNumber("max_seconds", settings.limits.max_seconds, 1, 3600);
  auto bytes = reader.TakeInteger("max_bytes", static_cast<long>(settings.limits.max_bytes), 1024, 1L << 30);
  for (const auto* taken : {&threads, &beam, &workers, &queue, &audio_ctx_min, &bytes}) {
    if (!taken->ok()) return taken->status();
  }
  if (!seconds.ok()) return seconds.status();
  if (auto status = reader.Finish(); !status.ok()) return status;
  if (settings.language != "auto" && settings.language != "pt" && settings.language != "en") {
    return InvalidArgument("whisper option language='" + settings.language + "' must be auto, pt or en");
  }
  settings.threads = static_cast<int>(*threads);
  settings.beam = static_cast<int>(*beam);
  settings.workers = static_cast<size_t>(*workers);
  settings.queue = static_cast<size_t>(*queue);
  settings.audio_ctx_min = static_cast<int>(*audio_ctx_min);
  settings.limits.max_seconds = *seconds;
  settings.limits.max_bytes = static_cast<size_t>(*bytes);
  return settings;
}

}  // namespace

Result<std::unique_ptr<SpeechToText>> CreateSpeechToText(EngineOptions options) {
  auto settings = ParseSettings(std::move(options));
  if (!settings.ok()) return settings.status();
  if (auto status = EnsureGgmlBackends(); !status.ok()) return status;
  auto path = LocateModel("whisper", settings->model);
  if (!path.ok()) return path.status();
  if (auto status = CheckModelFile(*path); !status.ok()) return status;
  whisper_log_set(ForwardGgmlLog, nullptr);
  auto params = whisper_context_default_params();
  params.use_gpu = false;
  ContextPtr context(whisper_init_from_file_with_params_no_state(path->c_str(), params));
  if (!context) {
    return InvalidArgument("whisper: cannot load the model " + *path +
                           " (truncated, corrupt, or not a whisper.cpp ggml file; `maestro models verify` checks it)");
  }
  auto states = std::make_unique<StatePool>();
  for (size_t i = 0; i < settings->workers; ++i) {
    StatePtr state(whisper_init_state(context.get()));
    if (!state) return Internal("whisper: cannot allocate a decoder state");
    states->Add(std::move(state));
  }
  return std::unique_ptr<SpeechToText>(
      new WhisperSpeechToText(std::move(*settings), std::move(context), std::move(states)));
}

void Register(EngineRegistry& registry) {
  registry.RegisterStt(kEngineName, kEngineDescription, [](const EngineOptions& o) { return CreateSpeechToText(o); });
}

}  // namespace maestro::whisper
