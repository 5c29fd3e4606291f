#include "engines/grounding/sentence_splitter.h"

#include "common/text.h"

namespace maestro::grounding {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}
bool EndsSentence(char c) {
  return c == '.' || c == '!' || c == '?' || c == '\n';
}

}  // namespace

std::vector<std::string> SentenceSplitter::Push(std::string_view piece) {
  pending_.append(piece);
  std::vector<std::string> sentences;
  size_t start = 0;
  for (size_t i = 0; i + 1 < pending_.size(); ++i) {
    if (!EndsSentence(pending_[i]) || !IsSpace(pending_[i + 1])) continue;
    std::string sentence(Trim(std::string_view(pending_).substr(start, i + 1 - start)));
    if (!sentence.empty()) sentences.push_back(std::move(sentence));
    start = i + 1;
  }
  pending_.erase(0, start);
  return sentences;
}

std::string SentenceSplitter::Flush() {
  std::string rest(Trim(pending_));
  pending_.clear();
  return rest;
}

}  // namespace maestro::grounding
