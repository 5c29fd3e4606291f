#include "engines/whisper/language_id.h"

namespace maestro::whisper {

Result<std::string> IdentifyPortugueseOrEnglish(whisper_context* context, whisper_state* state, int threads) {
  const whisper_token start = whisper_token_sot(context);
  if (whisper_decode_with_state(context, state, &start, 1, 0, threads) != 0) {
    return Internal("whisper: language identification failed");
  }
  // The softmax whisper_lang_auto_detect applies is monotonic, so comparing the two logits picks the same one.
  const float* logits = whisper_get_logits_from_state(state);
  const float portuguese = logits[whisper_token_lang(context, whisper_lang_id("pt"))];
  const float english = logits[whisper_token_lang(context, whisper_lang_id("en"))];
  return std::string(portuguese > english ? "pt" : "en");
}

}  // namespace maestro::whisper
