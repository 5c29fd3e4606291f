// LmBuilder: an n-gram language model in ARPA text, estimated from sentences with interpolated Kneser-Ney
// smoothing. Debian 12 ships no LM estimator (no cmuclmtk, no kenlm), and pocketsphinx reads ARPA directly.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"

namespace maestro::pocketsphinx {

struct LmStats {
  std::vector<size_t> ngrams;     // ngrams[k - 1]: number of k-grams written
  std::vector<double> discounts;  // the Kneser-Ney discount used at each order
};

// Estimates an `order`-gram model (2..5) from `sentences` (words separated by spaces; <s> and </s> are added).
// Discounts per order are n1 / (n1 + 2 n2) over that order's counts (Chen & Goodman); lower orders use
// continuation counts, except n-grams starting with <s>, which keep their raw counts. Backoff weights are the
// interpolation weights, so the ARPA file gives the interpolated probabilities exactly.
// RETURNS the ARPA text, or kInvalidArgument for an order out of range or no words at all.
// THREAD-SAFETY: pure.
Result<std::string> BuildArpa(const std::vector<std::string>& sentences, int order = 3, LmStats* stats = nullptr);

}  // namespace maestro::pocketsphinx
