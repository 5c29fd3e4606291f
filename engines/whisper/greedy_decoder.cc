#include "engines/whisper/greedy_decoder.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace maestro::whisper {
namespace {

constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();

// whisper_full's defaults for falling back to a higher temperature (whisper.cpp 1.9.1, from OpenAI's
// transcribe.py): a repetitive or unsure transcript is decoded again.
constexpr double kEntropyThreshold = 2.4;
constexpr double kLogProbabilityThreshold = -1.0;
constexpr double kNoSpeechThreshold = 0.6;
constexpr int kEntropyTokens = 32;

// The symbols whisper.cpp suppresses with suppress_nst (whisper.cpp's non_speech_tokens, after OpenAI's
// tokenizer.py), each also with a leading space.
const char* const kNonSpeech[] = {
    "\"",  "#",  "(",  ")",   "*",   "+",  "/",  ":",  ";",  "<",  "=",   ">",   "@",   "[",  "\\",  "]",  "^",  "_",
    "`",   "{",  "|",  "}",   "~",   "「", "」", "『", "』", "<<", ">>",  "<<<", ">>>", "--", "---", "-(", "-[", "('",
    "(\"", "((", "))", "(((", ")))", "[[", "]]", "{{", "}}", "♪♪", "♪♪♪", "♩",   "♪",   "♫",  "♬",   "♭",  "♮",  "♯"};

std::vector<whisper_token> Tokenize(whisper_context* context, const std::string& text) {
  std::vector<whisper_token> tokens(text.size() + 8);
  const int n = whisper_tokenize(context, text.c_str(), tokens.data(), static_cast<int>(tokens.size()));
  tokens.resize(static_cast<size_t>(std::max(n, 0)));
  return tokens;
}

// RETURNS the id of the vocabulary entry spelled exactly `text`, or -1 (whisper.cpp's token_to_id lookup).
whisper_token TokenSpelled(whisper_context* context, const std::string& text) {
  const auto tokens = Tokenize(context, text);
  return tokens.size() == 1 && text == whisper_token_to_str(context, tokens[0]) ? tokens[0] : -1;
}

float LogSumExp(const std::vector<float>& logits) {
  const float max = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (float logit : logits) {
    if (logit > kMinusInfinity) sum += std::exp(logit - max);
  }
  return max + static_cast<float>(std::log(sum));
}

// Entropy of the token distribution over the last kEntropyTokens tokens; low means the decoder repeats itself.
double TailEntropy(const std::vector<whisper_token>& tokens) {
  std::map<whisper_token, int> counts;
  const size_t first = tokens.size() > kEntropyTokens ? tokens.size() - kEntropyTokens : 0;
  for (size_t i = first; i < tokens.size(); ++i) ++counts[tokens[i]];
  double entropy = 0;
  const double n = static_cast<double>(tokens.size() - first);
  for (const auto& [token, count] : counts) entropy -= count / n * std::log(count / n);
  return entropy;
}

}  // namespace

GreedyDecoder::GreedyDecoder(whisper_context* context, const std::string& prompt)
    : context_(context), blank_(TokenSpelled(context, " ")) {
  if (!prompt.empty()) prompt_tokens_ = Tokenize(context, prompt);
  for (const char* symbol : kNonSpeech) {
    std::string spaced(" ");
    spaced += symbol;
    for (const std::string& spelling : {std::string(symbol), spaced}) {
      if (auto token = TokenSpelled(context, spelling); token >= 0) suppressed_.push_back(token);
    }
  }
  // Hyphens and apostrophes may join words but not start one.
  for (const char* spelling : {" -", " '"}) {
    if (auto token = TokenSpelled(context, spelling); token >= 0) suppressed_.push_back(token);
  }
}

std::vector<whisper_token> GreedyDecoder::Prompt(const std::string& language) const {
  std::vector<whisper_token> prompt;
  // whisper_full keeps at most half the text context of earlier text, the previous-text marker included.
  const size_t budget = static_cast<size_t>(whisper_n_text_ctx(context_) / 2 - 1);
  if (!prompt_tokens_.empty()) {
    prompt.push_back(whisper_token_prev(context_));
    const size_t take = std::min(budget, prompt_tokens_.size());
    prompt.insert(prompt.end(), prompt_tokens_.end() - static_cast<long>(take), prompt_tokens_.end());
  }
  prompt.insert(prompt.end(),
                {whisper_token_sot(context_), whisper_token_lang(context_, whisper_lang_id(language.c_str())),
                 whisper_token_transcribe(context_), whisper_token_not(context_)});
  return prompt;
}

void GreedyDecoder::Suppress(std::vector<float>& logits, bool first_token) const {
  // Every id above end-of-text is a special token (start, languages, tasks, no-speech, timestamps).
  const auto end_of_text = static_cast<size_t>(whisper_token_eot(context_));
  std::fill(logits.begin() + static_cast<long>(end_of_text) + 1, logits.end(), kMinusInfinity);
  for (whisper_token token : suppressed_) logits[static_cast<size_t>(token)] = kMinusInfinity;
  if (first_token) {
    logits[end_of_text] = kMinusInfinity;
    if (blank_ >= 0) logits[static_cast<size_t>(blank_)] = kMinusInfinity;
  }
}

Result<GreedyTranscript> GreedyDecoder::Decode(whisper_state* state, const std::string& language, int threads,
                                               const Deadline& deadline) const {
  const auto prompt = Prompt(language);
  if (whisper_decode_with_state(context_, state, prompt.data(), static_cast<int>(prompt.size()), 0, threads) != 0) {
    return Internal("whisper: the decoder failed on the prompt");
  }
  const auto vocabulary = static_cast<size_t>(whisper_n_vocab(context_));
  const float* prompt_logits = whisper_get_logits_from_state(state) + (prompt.size() - 1) * vocabulary;
  std::vector<float> logits(prompt_logits, prompt_logits + vocabulary);
  const double no_speech = std::exp(logits[static_cast<size_t>(whisper_token_nosp(context_))] - LogSumExp(logits));

  const whisper_token end_of_text = whisper_token_eot(context_);
  const int max_tokens = whisper_n_text_ctx(context_) / 2 - 4;
  std::vector<whisper_token> tokens;
  double log_probability = 0;
  bool ended = false;
  while (static_cast<int>(tokens.size()) < max_tokens) {
    Suppress(logits, tokens.empty());
    const auto best = static_cast<whisper_token>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    log_probability += logits[static_cast<size_t>(best)] - LogSumExp(logits);
    tokens.push_back(best);
    if (best == end_of_text) {
      ended = true;
      break;
    }
    if (deadline.expired()) return DeadlineExceeded("whisper: the deadline passed while decoding");
    const int past = static_cast<int>(prompt.size() + tokens.size() - 1);
    if (whisper_decode_with_state(context_, state, &best, 1, past, threads) != 0) {
      return Internal("whisper: the decoder failed");
    }
    const float* next = whisper_get_logits_from_state(state);
    logits.assign(next, next + vocabulary);
  }

  GreedyTranscript transcript;
  const double mean_log_probability = log_probability / static_cast<double>(tokens.size());
  const bool unsure = mean_log_probability < kLogProbabilityThreshold;
  const bool repetitive = tokens.size() > kEntropyTokens && TailEntropy(tokens) < kEntropyThreshold;
  transcript.reliable = ended && !repetitive && !(unsure && no_speech < kNoSpeechThreshold);
  if (unsure && no_speech > kNoSpeechThreshold) return transcript;  // silence: no text, as whisper_full
  for (whisper_token token : tokens) {
    if (token < end_of_text) transcript.text += whisper_token_to_str(context_, token);
  }
  return transcript;
}

}  // namespace maestro::whisper
