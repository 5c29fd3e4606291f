// Embedded speech engines: latency, real-time factor (processing seconds per audio second) and peak memory.
// Peak RSS is per process, so measure one engine per run, e.g.
//   build/bench/micro/engines_bench --benchmark_filter=Pocketsphinx.*domain
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <future>
#include <map>
#include <mutex>

#include "audio/decode.h"
#include "domain/blocking.h"
#include "engines/espeak/espeak_engine.h"
#include "engines/piper/piper_engine.h"
#include "engines/pocketsphinx/pocketsphinx_engine.h"

namespace maestro {
namespace {

const char* kQuestion = "What is the difference between fixed income and the Ibovespa?";

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

double WavSeconds(const std::string& wav) {
  auto decoded = audio::DecodeToSpeechPcm(wav);
  return decoded.ok() ? decoded->seconds() : 0;
}

TextToSpeech& Espeak() {
  static auto tts = espeak::CreateTextToSpeech({{"queue", "1024"}});
  return **tts;
}

// The piper engine's voice from the model store (`maestro models fetch piper-en-us-joe piper-en-us-joe-config`).
TextToSpeech& Piper() {
  static auto tts = piper::CreateTextToSpeech({});
  if (!tts.ok()) {
    std::fprintf(stderr, "%s\n", tts.status().ToString().c_str());
    std::abort();
  }
  return **tts;
}

void BM_Synthesize(benchmark::State& state, TextToSpeech& (*engine)(), const std::string& voice,
                   const std::string& text) {
  double audio_seconds = 0;
  for (auto _ : state) {
    auto speech = SynthesizeBlocking(engine(), {.text = text, .voice = voice}, Deadline::Never());
    if (!speech.ok()) state.SkipWithError(speech.status().ToString().c_str());
    audio_seconds = WavSeconds(speech->wav);
  }
  state.counters["audio_s"] = audio_seconds;
  state.counters["rtf"] = benchmark::Counter(audio_seconds * static_cast<double>(state.iterations()),
                                             benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["peak_rss_mb"] = PeakRssMb();
}
BENCHMARK_CAPTURE(BM_Synthesize, espeak_en_us, &Espeak, std::string("en-us"), std::string(kQuestion))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Synthesize, espeak_pt_br, &Espeak, std::string("pt-br"),
                  std::string("Qual é a diferença entre renda fixa e o Ibovespa?"))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Synthesize, piper_en_us, &Piper, std::string(""), std::string(kQuestion))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Several callers at once: libespeak-ng allows one synthesis per process, so throughput stays at one core's.
void BM_EspeakConcurrentCallers(benchmark::State& state) {
  for (auto _ : state) {
    auto speech = SynthesizeBlocking(Espeak(), {.text = kQuestion}, Deadline::Never());
    if (!speech.ok()) state.SkipWithError(speech.status().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EspeakConcurrentCallers)->ThreadRange(1, 4)->Unit(benchmark::kMillisecond)->UseRealTime();

SpeechToText& Pocketsphinx(const std::string& model, int workers) {
  static std::map<std::pair<std::string, int>, std::unique_ptr<SpeechToText>> engines;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  auto& engine = engines[{model, workers}];
  if (!engine) {
    auto created = pocketsphinx::CreateSpeechToText({{"model", model}, {"workers", std::to_string(workers)}});
    if (!created.ok()) std::abort();
    engine = std::move(created.value());
  }
  return *engine;
}

const std::string& QuestionWav() {
  static const std::string wav = SynthesizeBlocking(Espeak(), {.text = kQuestion}, Deadline::Never())->wav;
  return wav;
}

void BM_PocketsphinxTranscribe(benchmark::State& state, const std::string& model) {
  auto& stt = Pocketsphinx(model, 1);
  const double audio_seconds = WavSeconds(QuestionWav());
  for (auto _ : state) {
    auto transcript = TranscribeBlocking(stt, {.bytes = QuestionWav()}, Deadline::Never());
    if (!transcript.ok()) state.SkipWithError(transcript.status().ToString().c_str());
  }
  state.counters["audio_s"] = audio_seconds;
  state.counters["rtf"] = benchmark::Counter(audio_seconds * static_cast<double>(state.iterations()),
                                             benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["peak_rss_mb"] = PeakRssMb();
}
BENCHMARK_CAPTURE(BM_PocketsphinxTranscribe, domain, std::string("domain"))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_PocketsphinxTranscribe, auto, std::string("auto")) -> Unit(benchmark::kMillisecond)
    -> UseRealTime();
BENCHMARK_CAPTURE(BM_PocketsphinxTranscribe, general, std::string("general"))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Start-up: building the finance LM from the corpus and loading one decoder (domain), or the general model.
void BM_PocketsphinxStartup(benchmark::State& state, const std::string& model) {
  for (auto _ : state) {
    auto created = pocketsphinx::CreateSpeechToText({{"model", model}, {"workers", "1"}});
    if (!created.ok()) state.SkipWithError(created.status().ToString().c_str());
  }
  state.counters["peak_rss_mb"] = PeakRssMb();
}
BENCHMARK_CAPTURE(BM_PocketsphinxStartup, domain, std::string("domain"))->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(BM_PocketsphinxStartup, general, std::string("general"))
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

// Throughput with one decoder per core and several callers.
void BM_PocketsphinxConcurrentCallers(benchmark::State& state) {
  auto& stt = Pocketsphinx("domain", 2);
  for (auto _ : state) {
    auto transcript = TranscribeBlocking(stt, {.bytes = QuestionWav()}, Deadline::Never());
    if (!transcript.ok()) state.SkipWithError(transcript.status().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PocketsphinxConcurrentCallers)->ThreadRange(1, 4)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DecodeAudio(benchmark::State& state, const std::string& container) {
  auto pcm = audio::DecodeToSpeechPcm(QuestionWav());
  auto resampled = audio::Resample(pcm->samples, 16000, 22050);
  auto encoded = audio::EncodeAs(container, *resampled, 22050);
  for (auto _ : state) benchmark::DoNotOptimize(audio::DecodeToSpeechPcm(*encoded));
  state.counters["rtf"] = benchmark::Counter(pcm->seconds() * static_cast<double>(state.iterations()),
                                             benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(BM_DecodeAudio, wav, std::string("wav"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_DecodeAudio, flac, std::string("flac"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_DecodeAudio, ogg, std::string("ogg"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_DecodeAudio, mp3, std::string("mp3"))->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace maestro

BENCHMARK_MAIN();
