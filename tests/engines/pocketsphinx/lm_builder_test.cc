#include "engines/pocketsphinx/lm_builder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engines/pocketsphinx/decoder.h"
#include "engines/pocketsphinx/domain_model.h"

namespace maestro::pocketsphinx {
namespace {

// A minimal ARPA reader and backoff evaluator, independent of the builder's own estimator.
struct Arpa {
  std::map<std::string, std::pair<double, double>> grams;  // "w1 w2" -> (log10 p, log10 backoff)
  std::map<int, size_t> declared;

  explicit Arpa(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    int order = 0;
    while (std::getline(in, line)) {
      if (line.rfind("ngram ", 0) == 0)
        declared[std::stoi(line.substr(6))] = std::stoul(line.substr(line.find('=') + 1));
      if (line.size() > 2 && line[0] == '\\' && line.find("-grams:") != std::string::npos) order = line[1] - '0';
      if (order == 0 || line.empty() || line[0] == '\\') continue;
      std::istringstream fields(line);
      std::string prob, gram, part, backoff;
      std::getline(fields, prob, '\t');
      std::getline(fields, gram, '\t');
      std::getline(fields, backoff, '\t');
      grams[gram] = {std::stod(prob), backoff.empty() ? 0.0 : std::stod(backoff)};
    }
  }

  // log10 P(word | history) by the ARPA backoff rule.
  double LogProb(std::vector<std::string> history, const std::string& word) const {
    std::string key;
    for (const auto& h : history) key += h + " ";
    if (auto it = grams.find(key + word); it != grams.end()) return it->second.first;
    if (history.empty()) return -99;
    std::string context = key.substr(0, key.size() - 1);
    double backoff = 0;
    if (auto it = grams.find(context); it != grams.end()) backoff = it->second.second;
    history.erase(history.begin());
    return backoff + LogProb(history, word);
  }
};

const std::vector<std::string> kSentences = {"what is the ticker symbol of petrobras",
                                             "what is the ticker symbol of vale",
                                             "what is the price of vale",
                                             "what were the best stocks of twenty twenty four",
                                             "what is fixed income",
                                             "what is the ibovespa"};

TEST(LmBuilderTest, WritesAWellFormedTrigramArpa) {
  LmStats stats;
  auto arpa = BuildArpa(kSentences, 3, &stats);
  ASSERT_TRUE(arpa.ok()) << arpa.status().ToString();
  EXPECT_EQ(arpa->rfind("\\data\\", 0), 0u);
  EXPECT_NE(arpa->find("\\end\\"), std::string::npos);
  Arpa parsed(*arpa);
  ASSERT_EQ(stats.ngrams.size(), 3u);
  EXPECT_EQ(parsed.declared[1], stats.ngrams[0]);
  // 17 distinct words + <s> + </s>.
  EXPECT_EQ(stats.ngrams[0], 19u);
  EXPECT_EQ(parsed.grams.size(), stats.ngrams[0] + stats.ngrams[1] + stats.ngrams[2]);
  EXPECT_TRUE(parsed.grams.contains("the ticker symbol"));
  EXPECT_TRUE(parsed.grams.contains("<s> what"));
}

// The backoff weights must make every history's distribution sum to one: the property that distinguishes a
// correctly normalised backoff model from one that only looks plausible.
TEST(LmBuilderTest, EveryHistoryDistributionSumsToOne) {
  auto arpa = BuildArpa(kSentences, 3);
  ASSERT_TRUE(arpa.ok());
  Arpa parsed(*arpa);
  std::vector<std::string> vocabulary;
  for (const auto& [gram, values] : parsed.grams) {
    if (gram.find(' ') == std::string::npos && gram != "<s>") vocabulary.push_back(gram);
  }
  const std::vector<std::vector<std::string>> histories = {
      {},           {"<s>"}, {"the"}, {"of"}, {"<s>", "what"}, {"ticker", "symbol"}, {"the", "price"}, {"symbol", "of"},
      {"of", "the"} /* unseen pair: pure backoff */};
  for (const auto& history : histories) {
    double sum = 0;
    for (const auto& word : vocabulary) sum += std::pow(10.0, parsed.LogProb(history, word));
    EXPECT_NEAR(sum, 1.0, 1e-4) << "history of " << history.size() << " words starting "
                                << (history.empty() ? "" : history[0]);
  }
}

TEST(LmBuilderTest, SeenContinuationsBeatBackoff) {
  auto arpa = BuildArpa(kSentences, 3);
  ASSERT_TRUE(arpa.ok());
  Arpa parsed(*arpa);
  EXPECT_GT(parsed.LogProb({"symbol", "of"}, "petrobras"), parsed.LogProb({"symbol", "of"}, "ibovespa"));
  EXPECT_GT(parsed.LogProb({"the", "ticker"}, "symbol"), std::log10(0.5));
}

TEST(LmBuilderTest, RejectsBadInput) {
  EXPECT_EQ(BuildArpa({}, 3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildArpa({"  "}, 3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildArpa(kSentences, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildArpa(kSentences, 6).status().code(), StatusCode::kInvalidArgument);
}

TEST(DomainModelTest, ShippedCorpusBuildsAModelPocketsphinxLoads) {
  const auto dir = std::filesystem::temp_directory_path() / ("maestro_lm_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto model = BuildDomainModel(DefaultSources(std::string(MAESTRO_TEST_SOURCE_DIR) + "/data"), dir.string());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_GT(model->sentences, 5000u);
  EXPECT_GT(model->vocabulary, 100u);
  EXPECT_LT(model->vocabulary, 400u);
  auto decoder = Decoder::Create({"/usr/share/pocketsphinx/model/en-us/en-us", model->lm_path, model->dict_path});
  EXPECT_TRUE(decoder.ok()) << decoder.status().ToString();
  std::filesystem::remove_all(dir);
}

TEST(DomainModelTest, MissingSourcesAreNamed) {
  auto sources = DefaultSources("/nonexistent/data");
  auto model = BuildDomainModel(sources, "/tmp");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kNotFound);
  EXPECT_NE(model.status().message().find("/nonexistent/data/stt/finance_corpus.txt"), std::string::npos);
}

}  // namespace
}  // namespace maestro::pocketsphinx
