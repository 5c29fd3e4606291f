// Bm25Index: Okapi BM25 ranking over small in-memory collections (the glossary has tens of entries).
// score(q, d) = sum over query terms t of idf(t) * tf(t,d) * (k1 + 1) / (tf(t,d) + k1 * (1 - b + b * |d| / avgdl)),
// with idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5)), the non-negative variant used by Lucene.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace maestro::analyst {

class Bm25Index {
 public:
  struct Hit {
    size_t document;
    double score;
  };

  explicit Bm25Index(double k1 = 1.2, double b = 0.75) : k1_(k1), b_(b) {}

  // Adds a document of already-normalised tokens. RETURNS its id, counting from 0.
  // THREAD-SAFETY: not safe concurrently with anything; build the index before searching it.
  size_t Add(const std::vector<std::string>& tokens);

  // RETURNS up to `limit` documents with a positive score, best first (ties by lower id).
  // Repeated query tokens count once. THREAD-SAFETY: safe to call concurrently once building is done.
  std::vector<Hit> Search(const std::vector<std::string>& query, size_t limit) const;

  size_t size() const { return lengths_.size(); }

 private:
  double k1_;
  double b_;
  size_t total_length_ = 0;
  std::vector<size_t> lengths_;
  // term -> (document, term frequency) postings, documents ascending.
  std::unordered_map<std::string, std::vector<std::pair<size_t, int>>> postings_;
};

}  // namespace maestro::analyst
