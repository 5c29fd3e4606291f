#include "engines/pocketsphinx/decoder.h"

#include <pocketsphinx.h>

#include <algorithm>
#include <string_view>

namespace maestro::pocketsphinx {
namespace {

// 128 ms per call, so a deadline is noticed within a few milliseconds of decoding.
constexpr size_t kChunkSamples = 2048;

}  // namespace

Result<std::unique_ptr<Decoder>> Decoder::Create(const DecoderPaths& paths) {
  cmd_ln_t* config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", paths.hmm.c_str(), "-lm", paths.lm.c_str(), "-dict",
                                 paths.dict.c_str(), "-logfn", "/dev/null", nullptr);
  if (config == nullptr) return Internal("pocketsphinx rejected its configuration");
  if (paths.language_weight > 0) cmd_ln_set_float32_r(config, "-lw", static_cast<float>(paths.language_weight));
  ps_decoder_t* decoder = ps_init(config);
  cmd_ln_free_r(config);  // the decoder holds its own reference
  if (decoder == nullptr) {
    return Internal("pocketsphinx could not load hmm=" + paths.hmm + " lm=" + paths.lm + " dict=" + paths.dict);
  }
  return std::unique_ptr<Decoder>(new Decoder(decoder));
}

Decoder::~Decoder() {
  ps_free(decoder_);
}

Result<Recognition> Decoder::Decode(std::span<const int16_t> samples, const Deadline& deadline) {
  if (ps_start_utt(decoder_) < 0) return Internal("ps_start_utt failed");
  for (size_t at = 0; at < samples.size(); at += kChunkSamples) {
    if (deadline.expired()) {
      ps_end_utt(decoder_);
      return DeadlineExceeded("pocketsphinx: the deadline passed while decoding");
    }
    const size_t n = std::min(kChunkSamples, samples.size() - at);
    if (ps_process_raw(decoder_, samples.data() + at, n, FALSE, FALSE) < 0) {
      ps_end_utt(decoder_);
      return Internal("ps_process_raw failed");
    }
  }
  if (ps_end_utt(decoder_) < 0) return Internal("ps_end_utt failed");
  Recognition recognition;
  const char* hypothesis = ps_get_hyp(decoder_, &recognition.score);
  recognition.text = hypothesis ? hypothesis : "";
  recognition.frames = ps_get_n_frames(decoder_);
  int64_t language = 0;
  int words = 0;
  for (ps_seg_t* seg = ps_seg_iter(decoder_); seg != nullptr; seg = ps_seg_next(seg)) {
    const std::string_view word = ps_seg_word(seg);
    // Silence and fillers ("<sil>", "[NOISE]") carry no LM score; "<s>" is given, "</s>" is predicted.
    if (word == "<s>" || word == "<sil>" || word.starts_with('[') || word.starts_with("++")) continue;
    int32 acoustic = 0, lm = 0, backoff = 0;
    ps_seg_prob(seg, &acoustic, &lm, &backoff);
    language += lm;
    ++words;
  }
  if (words > 0) recognition.language_per_word = static_cast<double>(language) / words;
  return recognition;
}

}  // namespace maestro::pocketsphinx
