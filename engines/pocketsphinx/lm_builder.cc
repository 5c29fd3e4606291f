#include "engines/pocketsphinx/lm_builder.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

namespace maestro::pocketsphinx {
namespace {

using Gram = std::vector<int>;

constexpr int kBegin = 0;  // <s>
constexpr int kEnd = 1;    // </s>

struct OrderTables {
  std::map<Gram, int64_t> counts;         // the count this order uses (raw at the top, continuation below)
  std::map<Gram, int64_t> history_sum;    // sum of counts over words following the history
  std::map<Gram, int64_t> history_types;  // distinct words following the history
  double discount = 0.5;
};

Gram Tail(const Gram& gram) {
  return Gram(gram.begin() + 1, gram.end());
}
Gram Head(const Gram& gram) {
  return Gram(gram.begin(), gram.end() - 1);
}

class Estimator {
 public:
  Estimator(std::vector<OrderTables> tables, size_t vocabulary) : tables_(std::move(tables)), vocabulary_(vocabulary) {}

  // P(w | h) for gram = h + w, interpolated down to a uniform distribution over the vocabulary.
  double Probability(const Gram& gram) const {
    const size_t k = gram.size();
    if (k == 0) return 1.0 / static_cast<double>(vocabulary_);
    const OrderTables& table = tables_[k - 1];
    const Gram history = Head(gram);
    auto sum = table.history_sum.find(history);
    const double lower = Probability(Tail(gram));
    if (sum == table.history_sum.end() || sum->second == 0) return lower;
    auto count = table.counts.find(gram);
    const double c = count == table.counts.end() ? 0 : static_cast<double>(count->second);
    const double total = static_cast<double>(sum->second);
    return std::max(c - table.discount, 0.0) / total + Gamma(k, history) * lower;
  }

  // The mass that order `k` leaves to order k - 1 after `history`.
  double Gamma(size_t k, const Gram& history) const {
    const OrderTables& table = tables_[k - 1];
    auto sum = table.history_sum.find(history);
    if (sum == table.history_sum.end() || sum->second == 0) return 1.0;
    return table.discount * static_cast<double>(table.history_types.at(history)) / static_cast<double>(sum->second);
  }

 private:
  std::vector<OrderTables> tables_;
  size_t vocabulary_;
};

double DiscountFor(const std::map<Gram, int64_t>& counts) {
  int64_t n1 = 0, n2 = 0;
  for (const auto& [gram, count] : counts) {
    n1 += count == 1;
    n2 += count == 2;
  }
  if (n1 == 0 || n2 == 0) return 0.5;
  return static_cast<double>(n1) / static_cast<double>(n1 + 2 * n2);
}

std::string FormatLog(double probability) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.6f", probability > 0 ? std::log10(probability) : -99.0);
  return buffer;
}

}  // namespace

Result<std::string> BuildArpa(const std::vector<std::string>& sentences, int order, LmStats* stats) {
  if (order < 2 || order > 5) return InvalidArgument("n-gram order must be 2..5");
  std::vector<std::string> words = {"<s>", "</s>"};
  std::unordered_map<std::string, int> ids = {{"<s>", kBegin}, {"</s>", kEnd}};
  std::vector<std::map<Gram, int64_t>> raw(static_cast<size_t>(order));
  for (const auto& sentence : sentences) {
    Gram tokens = {kBegin};
    std::istringstream in(sentence);
    std::string word;
    while (in >> word) {
      auto [it, inserted] = ids.emplace(word, static_cast<int>(words.size()));
      if (inserted) words.push_back(word);
      tokens.push_back(it->second);
    }
    if (tokens.size() == 1) continue;
    tokens.push_back(kEnd);
    for (size_t k = 1; k <= static_cast<size_t>(order); ++k) {
      for (size_t i = 0; i + k <= tokens.size(); ++i) {
        // The unigram <s> is never predicted; it exists only as a history.
        if (k == 1 && tokens[i] == kBegin) continue;
        ++raw[k - 1][Gram(tokens.begin() + static_cast<long>(i), tokens.begin() + static_cast<long>(i + k))];
      }
    }
  }
  if (words.size() <= 2) return InvalidArgument("the corpus has no words");

  std::vector<OrderTables> tables(static_cast<size_t>(order));
  tables[static_cast<size_t>(order) - 1].counts = raw[static_cast<size_t>(order) - 1];
  for (size_t k = 1; k < static_cast<size_t>(order); ++k) {
    auto& counts = tables[k - 1].counts;
    for (const auto& [gram, count] : raw[k - 1]) {
      if (gram[0] == kBegin) counts[gram] = count;
    }
    for (const auto& [longer, count] : raw[k]) {
      Gram tail = Tail(longer);
      if (tail[0] != kBegin) ++counts[tail];
    }
  }
  for (auto& table : tables) {
    table.discount = DiscountFor(table.counts);
    for (const auto& [gram, count] : table.counts) {
      const Gram history = Head(gram);
      table.history_sum[history] += count;
      ++table.history_types[history];
    }
  }
  // The uniform floor spreads over every word that can be predicted: all but <s>.
  const Estimator estimator(tables, words.size() - 1);

  std::ostringstream arpa;
  arpa << "\\data\\\n";
  // Every k-gram used as a history by order k + 1 needs an entry; <s> is one.
  std::vector<std::vector<Gram>> listed(static_cast<size_t>(order));
  for (size_t k = 1; k <= static_cast<size_t>(order); ++k) {
    for (const auto& [gram, count] : tables[k - 1].counts) listed[k - 1].push_back(gram);
  }
  listed[0].insert(listed[0].begin(), Gram{kBegin});
  for (size_t k = 1; k <= static_cast<size_t>(order); ++k) arpa << "ngram " << k << "=" << listed[k - 1].size() << "\n";
  for (size_t k = 1; k <= static_cast<size_t>(order); ++k) {
    arpa << "\n\\" << k << "-grams:\n";
    for (const auto& gram : listed[k - 1]) {
      const bool begin_unigram = k == 1 && gram[0] == kBegin;
      arpa << (begin_unigram ? "-99.000000" : FormatLog(estimator.Probability(gram))) << "\t";
      for (size_t i = 0; i < gram.size(); ++i) arpa << (i ? " " : "") << words[static_cast<size_t>(gram[i])];
      if (k < static_cast<size_t>(order) && tables[k].history_sum.contains(gram)) {
        arpa << "\t" << FormatLog(estimator.Gamma(k + 1, gram));
      }
      arpa << "\n";
    }
  }
  arpa << "\n\\end\\\n";
  if (stats) {
    stats->ngrams.clear();
    stats->discounts.clear();
    for (size_t k = 0; k < static_cast<size_t>(order); ++k) {
      stats->ngrams.push_back(listed[k].size());
      stats->discounts.push_back(tables[k].discount);
    }
  }
  return arpa.str();
}

}  // namespace maestro::pocketsphinx
