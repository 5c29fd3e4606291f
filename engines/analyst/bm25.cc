#include "engines/analyst/bm25.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace maestro::analyst {

size_t Bm25Index::Add(const std::vector<std::string>& tokens) {
  size_t id = lengths_.size();
  lengths_.push_back(tokens.size());
  total_length_ += tokens.size();
  std::unordered_map<std::string, int> frequencies;
  for (const auto& token : tokens) ++frequencies[token];
  for (const auto& [term, frequency] : frequencies) postings_[term].emplace_back(id, frequency);
  return id;
}

std::vector<Bm25Index::Hit> Bm25Index::Search(const std::vector<std::string>& query, size_t limit) const {
  if (lengths_.empty()) return {};
  const double documents = static_cast<double>(lengths_.size());
  const double average_length = static_cast<double>(total_length_) / documents;
  std::vector<double> scores(lengths_.size(), 0.0);
  std::set<std::string> seen;
  for (const auto& term : query) {
    if (!seen.insert(term).second) continue;
    auto it = postings_.find(term);
    if (it == postings_.end()) continue;
    const double df = static_cast<double>(it->second.size());
    const double idf = std::log(1.0 + (documents - df + 0.5) / (df + 0.5));
    for (const auto& [document, frequency] : it->second) {
      const double tf = frequency;
      const double norm = k1_ * (1.0 - b_ + b_ * static_cast<double>(lengths_[document]) / average_length);
      scores[document] += idf * tf * (k1_ + 1.0) / (tf + norm);
    }
  }
  std::vector<Hit> hits;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] > 0) hits.push_back({i, scores[i]});
  }
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.score > b.score; });
  if (hits.size() > limit) hits.resize(limit);
  return hits;
}

}  // namespace maestro::analyst
