#include "engines/common/espeak_ng.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <future>
#include <mutex>
#include <string_view>

#include "common/text.h"

namespace maestro::espeak {
namespace {

struct Collector {
  std::vector<int16_t> samples;
  Deadline deadline = Deadline::Never();
  size_t max_samples = 0;
  bool expired = false;
  bool too_long = false;
};

// libespeak-ng calls this on the synthesis thread with each buffer; returning 1 aborts the utterance.
int OnSamples(short* wav, int count, espeak_EVENT* events) {
  auto* collector = static_cast<Collector*>(events->user_data);
  if (collector == nullptr) return 0;
  if (wav != nullptr && count > 0) collector->samples.insert(collector->samples.end(), wav, wav + count);
  if (collector->deadline.expired()) {
    collector->expired = true;
    return 1;
  }
  if (collector->samples.size() > collector->max_samples) {
    collector->too_long = true;
    return 1;
  }
  return 0;
}

std::mutex submit_mutex;

// RETURNS the punctuation that ends a clause whose text eSpeak NG consumed as text[from, to): the last of
// . , ? ! : ; in it that is followed, in the whole text, by white space, a quote, a closing bracket or the end
// (so the point of "15.5" is not one), or 0 when there is none.
char ClauseTerminator(std::string_view text, size_t from, size_t to) {
  for (size_t at = to; at > from; --at) {
    const char mark = text[at - 1];
    if (std::string_view(".,?!:;").find(mark) == std::string_view::npos) continue;
    if (at == text.size() || std::string_view(" \t\r\n\"')]").find(text[at]) != std::string_view::npos) return mark;
  }
  return 0;
}

}  // namespace

EspeakNg& EspeakNg::Instance() {
  static auto* instance = new EspeakNg();
  return *instance;
}

EspeakNg::EspeakNg() {
  std::promise<void> ready;
  thread_.Submit([this, &ready] {
    const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, 0);
    if (rate != 22050) {
      init_status_ = Internal("espeak_Initialize failed (returned " + std::to_string(rate) + ")");
    } else {
      espeak_SetSynthCallback(&OnSamples);
      for (const espeak_VOICE** voice = espeak_ListVoices(nullptr); voice && *voice; ++voice) {
        // `languages` is a run of (priority byte, NUL-terminated tag) pairs ending with an empty tag.
        if (!(*voice)->identifier) continue;
        const std::string file = std::filesystem::path((*voice)->identifier).filename().string();
        bool primary = true;
        for (const char* entry = (*voice)->languages; entry && *entry; entry += std::strlen(entry + 1) + 2) {
          auto [it, inserted] = voice_files_.emplace(Lower(entry + 1), file);
          if (!inserted && primary) it->second = file;
          primary = false;
        }
      }
      espeak_VOICE variant_spec{};
      variant_spec.languages = "variant";
      for (const espeak_VOICE** voice = espeak_ListVoices(&variant_spec); voice && *voice; ++voice) {
        if ((*voice)->identifier) variants_.insert(std::filesystem::path((*voice)->identifier).filename().string());
      }
    }
    ready.set_value();
  });
  ready.get_future().wait();
}

std::string EspeakNg::VoiceName(const std::string& voice) const {
  const auto plus = voice.find('+');
  const auto file = voice_files_.find(Lower(voice.substr(0, plus)));
  if (file == voice_files_.end()) return "";
  if (plus == std::string::npos) return file->second;
  return variants_.contains(voice.substr(plus + 1)) ? file->second + voice.substr(plus) : "";
}

bool EspeakNg::IsKnownVoice(const std::string& voice) const {
  return !VoiceName(voice).empty();
}

bool EspeakNg::Submit(SpeakJob job, size_t max_waiting, std::function<void(Result<std::vector<int16_t>>)> done) {
  std::lock_guard lock(submit_mutex);
  if (thread_.queued() >= max_waiting) return false;
  return thread_.Submit([this, job = std::move(job), done = std::move(done)] { done(Speak(job)); });
}

Result<std::vector<PhonemeClause>> EspeakNg::Phonemize(const std::string& text, const std::string& voice) {
  std::promise<Result<std::vector<PhonemeClause>>> result;
  if (!thread_.Submit([&] { result.set_value(ReadPhonemes(text, voice)); })) {
    return Unavailable("espeak: the eSpeak NG thread has stopped");
  }
  return result.get_future().get();
}

Status EspeakNg::SelectVoice(const std::string& voice) {
  if (!init_status_.ok()) return init_status_;
  const std::string name = VoiceName(voice);
  if (name.empty()) return InvalidArgument("espeak: unknown voice " + voice);
  if (espeak_SetVoiceByName(name.c_str()) != EE_OK) return InvalidArgument("espeak: cannot load voice " + voice);
  return Status();
}

// eSpeak NG 1.51 reads one clause per call and moves the cursor past it and a character or so beyond (its read
// ahead); which punctuation ended the clause is read from that span (1.52's
// espeak_TextToPhonemesWithTerminator would say it, bookworm has 1.51).
Result<std::vector<PhonemeClause>> EspeakNg::ReadPhonemes(const std::string& text, const std::string& voice) {
  if (auto selected = SelectVoice(voice); !selected.ok()) return selected;
  std::vector<PhonemeClause> clauses;
  const void* cursor = text.c_str();
  while (cursor != nullptr) {
    const auto from = static_cast<size_t>(static_cast<const char*>(cursor) - text.c_str());
    const char* ipa = espeak_TextToPhonemes(&cursor, espeakCHARS_UTF8, espeakPHONEMES_IPA);
    const size_t to =
        cursor != nullptr ? static_cast<size_t>(static_cast<const char*>(cursor) - text.c_str()) : text.size();
    if (cursor != nullptr && to <= from) break;
    PhonemeClause clause;
    clause.phonemes = ipa != nullptr ? ipa : "";
    clause.terminator = ClauseTerminator(text, from, to);
    clause.ends_sentence =
        clause.terminator != 0 && std::string_view(".?!").find(clause.terminator) != std::string_view::npos;
    if (clause.terminator == 0 && clause.phonemes.empty()) continue;
    clauses.push_back(std::move(clause));
  }
  if (!clauses.empty()) clauses.back().ends_sentence = true;
  return clauses;
}

Result<std::vector<int16_t>> EspeakNg::Speak(const SpeakJob& job) {
  if (!init_status_.ok()) return init_status_;
  if (job.deadline.expired()) return DeadlineExceeded("espeak: the deadline passed while queued");
  if (auto selected = SelectVoice(job.voice); !selected.ok()) return selected;
  espeak_SetParameter(espeakRATE, job.rate_wpm, 0);
  Collector collector;
  collector.deadline = job.deadline;
  collector.max_samples = job.max_samples;
  const espeak_ERROR error =
      espeak_Synth(job.text.c_str(), job.text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, &collector);
  if (collector.expired) return DeadlineExceeded("espeak: the deadline passed during synthesis");
  if (collector.too_long) return Status(StatusCode::kPayloadTooLarge, "espeak: speech longer than the limit");
  if (error != EE_OK) return Internal("espeak_Synth failed with code " + std::to_string(error));
  return std::move(collector.samples);
}

}  // namespace maestro::espeak
