#include "engines/analyst/analyst.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "domain/blocking.h"
#include "engines/analyst/analyst_engine.h"
#include "engines/engine_registry.h"
#include "tests/engines/analyst/test_paths.h"

namespace maestro::analyst {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

bool Contains(const std::vector<std::string>& items, const std::string& wanted) {
  return std::find(items.begin(), items.end(), wanted) != items.end();
}

class AnalystTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto created = Analyst::Create({testing::KnowledgeDir(), ""});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    analyst_ = created->release();
  }
  static void TearDownTestSuite() { delete analyst_; }

  // Every answer obeys the contract: at most 50 words, a language tag, sources when grounded.
  static Generation Ask(const std::string& question) {
    Generation answer = analyst_->Answer(question);
    EXPECT_LE(CountWords(answer.text), kMaxAnswerWords) << question << " -> " << answer.text;
    EXPECT_FALSE(answer.text.empty());
    return answer;
  }
  static Analyst* analyst_;
};
Analyst* AnalystTest::analyst_ = nullptr;

TEST_F(AnalystTest, SimpleScenarioTickerOfPetrobras) {
  for (const char* question : {"What is the ticker symbol of Petrobras?", "what is the ticker symbol of petrobras",
                               "whats the ticker of petrobras"}) {
    auto answer = Ask(question);
    EXPECT_THAT(answer.text, HasSubstr("PETR4")) << question;
    EXPECT_THAT(answer.text, HasSubstr("PETR3"));
    EXPECT_THAT(answer.text, HasSubstr("B3"));
    EXPECT_EQ(answer.language, "en");
    EXPECT_TRUE(Contains(answer.sources, "instruments.csv#PETR4"));
  }
  for (const char* question :
       {"Qual é o código de negociação da Petrobras?", "qual e o ticker da petrobras", "qual o codigo da petrobras"}) {
    auto answer = Ask(question);
    EXPECT_THAT(answer.text, HasSubstr("PETR4")) << question;
    EXPECT_THAT(answer.text, HasSubstr("ações preferenciais"));
    EXPECT_EQ(answer.language, "pt-BR");
  }
}

TEST_F(AnalystTest, TraditionalScenarioFixedIncomeVersusIbovespa) {
  for (const char* question : {"What is the difference between fixed income and the Ibovespa?",
                               "what is the difference between fixed income and the ibovespa"}) {
    auto answer = Ask(question);
    EXPECT_THAT(answer.text, HasSubstr("Fixed income"));
    EXPECT_THAT(answer.text, HasSubstr("Ibovespa is B3's main stock index"));
    EXPECT_EQ(answer.language, "en");
    EXPECT_EQ(answer.sources, (std::vector<std::string>{"glossary.yaml#fixed-income", "glossary.yaml#ibovespa"}));
  }
  for (const char* question :
       {"Qual é a diferença entre renda fixa e o Ibovespa?", "qual a diferenca entre renda fixa e o ibovespa"}) {
    auto answer = Ask(question);
    EXPECT_THAT(answer.text, HasSubstr("Renda fixa paga juros"));
    EXPECT_THAT(answer.text, HasSubstr("renda variável"));
    EXPECT_EQ(answer.language, "pt-BR");
    EXPECT_EQ(answer.sources.size(), 2u);
  }
}

TEST_F(AnalystTest, ComplexScenarioBestStocksOf2024FromTheSyntheticSample) {
  // The synthetic sample's 2024 leaders, checked against RankByReturn in analytics_test's terms: MSFT, ITUB4, AAPL.
  for (const char* question : {"What were the best stocks of 2024?", "what were the best stocks of twenty twenty four",
                               "what were the best performing stocks in two thousand twenty four"}) {
    auto answer = Ask(question);
    EXPECT_THAT(answer.text, HasSubstr("MSFT +92.47%, ITUB4 +72.29%, AAPL +70.77%")) << question;
    EXPECT_THAT(answer.text, HasSubstr("synthetic"));
    EXPECT_THAT(answer.text, HasSubstr("2024"));
    ASSERT_EQ(answer.sources.size(), 1u);
    EXPECT_THAT(answer.sources[0], HasSubstr("SYNTHETIC"));
    EXPECT_EQ(answer.language, "en");
  }
  for (const char* question :
       {"Quais foram as melhores ações de 2024?", "quais foram as melhores acoes de dois mil e vinte e quatro"}) {
    auto answer = Ask(question);
    EXPECT_THAT(answer.text, HasSubstr("MSFT +92,47%, ITUB4 +72,29%, AAPL +70,77%")) << question;
    EXPECT_THAT(answer.text, HasSubstr("sintético"));
    EXPECT_EQ(answer.language, "pt-BR");
  }
  EXPECT_THAT(Ask("what were the worst stocks of 2024").text, HasSubstr("B3SA3 -47.26%"));
}

TEST_F(AnalystTest, ComplexScenarioOnSharedData) {
  std::string path = testing::SharedStocksCsv();
  if (path.empty()) GTEST_FAIL() << "../shared/data/stocks is absent";
  auto real = Analyst::Create({testing::KnowledgeDir(), path});
  ASSERT_TRUE(real.ok()) << real.status().ToString();
  // Hand-checked from the CSV: AMZN 149.93 -> 219.39, AAPL 185.64 -> 250.42, MSFT 370.87 -> 421.50.
  auto answer = (*real)->Answer("What were the best stocks of 2024?");
  EXPECT_THAT(answer.text, HasSubstr("AMZN +46.33%, AAPL +34.90%, MSFT +13.65%"));
  EXPECT_THAT(answer.text, HasSubstr("dataset prices_2024_daily.csv"));
  EXPECT_THAT(answer.text, Not(HasSubstr("synthetic")));
  // BBAS3 fell 11.72% split-adjusted, not 55.86% as the raw closes (54.76 -> 24.17) would say.
  auto worst = (*real)->Answer("what were the worst stocks of 2024");
  EXPECT_THAT(worst.text, HasSubstr("VALE3 -29.20%, BBAS3 -11.72%, ITUB4 -8.32%"));
  auto bbas = (*real)->Answer("what was the return of banco do brasil in 2024");
  EXPECT_THAT(bbas.text,
              HasSubstr("BBAS3 returned -11.72% in 2024, from 27.38 on 2024-01-02 to 24.17 BRL on 2024-12-30"));
  EXPECT_THAT((*real)->Answer("what was the max drawdown of vale in 2024").text, HasSubstr("30.21%"));
  EXPECT_THAT((*real)->Answer("qual a volatilidade da petrobras em 2024").text, HasSubstr("26,98%"));
}

TEST_F(AnalystTest, AnalyticsQuestionsNameTickerPeriodAndDataset) {
  auto ret = Ask("what was the return of petr4 in 2024");
  EXPECT_THAT(ret.text,
              HasSubstr("PETR4 returned +32.48% in 2024, from 38.30 on 2024-01-01 to 50.74 BRL on 2024-12-31"));
  EXPECT_THAT(Ask("what is the volatility of vale in 2024").text, HasSubstr("VALE3 in 2024 was 21.98%"));
  EXPECT_THAT(Ask("what was the maximum drawdown of nvidia in 2024").text, HasSubstr("NVDA in 2024 was 29.63%"));
  auto compare = Ask("compare petrobras and vale in 2024");
  EXPECT_THAT(compare.text, HasSubstr("PETR4 returned +32.48%"));
  EXPECT_THAT(compare.text, HasSubstr("VALE3 returned -28.50%"));
  EXPECT_THAT(compare.text, HasSubstr("PETR4 led by 60.98 percentage points"));
  EXPECT_THAT(Ask("what is the price of apple").text, HasSubstr("AAPL closed at 317.47 USD on 2024-12-31"));
  // Speech-style tickers: "petr four".
  EXPECT_THAT(Ask("what was the return of petr four in twenty twenty four").text, HasSubstr("PETR4 returned +32.48%"));
  EXPECT_THAT(Ask("qual foi o retorno da petrobras em 2024").text, HasSubstr("PETR4 rendeu +32,48% em 2024"));
}

TEST_F(AnalystTest, GlossaryDefinitionsInBothLanguages) {
  auto cdb = Ask("what is a cdb");
  EXPECT_THAT(cdb.text, HasSubstr("Certificado de Depósito Bancário"));
  EXPECT_EQ(cdb.sources, std::vector<std::string>{"glossary.yaml#cdb"});
  auto tesouro = Ask("o que é tesouro direto");
  EXPECT_THAT(tesouro.text, HasSubstr("Tesouro Nacional"));
  EXPECT_EQ(tesouro.language, "pt-BR");
  EXPECT_THAT(Ask("what is the s and p five hundred").sources[0], "glossary.yaml#sp500");
  EXPECT_THAT(Ask("explain max drawdown").sources[0], "glossary.yaml#drawdown");
  EXPECT_THAT(Ask("what is JCP").sources[0], "glossary.yaml#jcp");
}

TEST_F(AnalystTest, RefusesWhatItCannotGround) {
  for (const char* question : {"what is the weather in london tomorrow", "how much did the dollar rise today",
                               "who will win the election", "qual a previsão do tempo amanhã"}) {
    auto answer = Ask(question);
    EXPECT_TRUE(answer.sources.empty()) << question << " -> " << answer.text;
    EXPECT_THAT(answer.text, ::testing::AnyOf(HasSubstr("won't guess"), HasSubstr("não vou inventar")));
  }
  auto unknown = Ask("what is the ticker symbol of acme widgets");
  EXPECT_THAT(unknown.text, HasSubstr("not in my instrument table"));
  EXPECT_THAT(unknown.text, Not(HasSubstr("ACME")));
  // A listed company without prices, and a year without data: said plainly, never invented.
  EXPECT_THAT(Ask("what was the return of embraer in 2024").text, HasSubstr("I have no price data for EMBR3"));
  EXPECT_THAT(Ask("what were the best stocks of 2023").text, HasSubstr("too few sessions"));
}

TEST_F(AnalystTest, NoAdviceAndNoDataItDoesNotHave) {
  for (const char* question : {"is petrobras a good investment", "should i buy vale", "devo comprar petr4"}) {
    auto answer = Ask(question);
    EXPECT_TRUE(answer.sources.empty()) << question;
    EXPECT_THAT(answer.text, ::testing::AnyOf(HasSubstr("not investment advice"), HasSubstr("não recomendações")));
  }
  auto dividends = Ask("what is the dividend yield of petrobras");
  EXPECT_EQ(dividends.text, "I have no dividend data for PETR4; I know its ticker, sector and daily prices.");
  EXPECT_TRUE(dividends.sources.empty());
}

TEST_F(AnalystTest, EverydayWordsAreNotTickersInTheirLanguage) {
  // "meta" is Portuguese for goal, "cost" is English: neither turns into META or COST there.
  EXPECT_EQ(Ask("qual a meta da selic").sources, std::vector<std::string>{"glossary.yaml#selic"});
  EXPECT_EQ(Ask("what is the cost of a cdb").sources, std::vector<std::string>{"glossary.yaml#cdb"});
  EXPECT_THAT(Ask("what is the ticker symbol of meta").text, HasSubstr("as META (class A shares)"));
}

TEST_F(AnalystTest, PortugueseAndSpokenPhrasingsOfRankingAndReturn) {
  EXPECT_THAT(Ask("qual foi a ação que mais subiu em 2024").text, HasSubstr("MSFT +92,47%"));
  EXPECT_THAT(Ask("which stock fell the most in 2024").text, HasSubstr("Worst stock returns in 2024"));
  EXPECT_THAT(Ask("quanto rendeu a vale em 2024").text, HasSubstr("VALE3 rendeu -28,50% em 2024"));
  EXPECT_THAT(Ask("qual o preço da petrobras").text, HasSubstr("PETR4 fechou a 50,74 BRL em 2024-12-31"));
}

TEST_F(AnalystTest, RetrieveContextGivesFactsAndPassages) {
  auto context = analyst_->RetrieveContext("Quais foram as melhores ações de 2024?");
  EXPECT_TRUE(context.grounded);
  EXPECT_EQ(context.language, Language::kPortuguese);
  ASSERT_FALSE(context.passages.empty());
  EXPECT_THAT(context.passages[0], HasSubstr("MSFT +92.47%"));  // facts are in English for the model
  auto glossary = analyst_->RetrieveContext("What is the difference between fixed income and the Ibovespa?");
  EXPECT_TRUE(Contains(glossary.sources, "glossary.yaml#fixed-income"));
  auto weather = analyst_->RetrieveContext("what is the weather in london");
  EXPECT_FALSE(weather.grounded);
}

TEST(AnalystEngineTest, RegisteredAsNotNeuralAndAnswersThroughTheInterface) {
  auto lines = EngineRegistry::Global().Describe(ServiceKind::kLlm);
  bool found = false;
  for (const auto& line : lines)
    found |= line.rfind("analyst: ", 0) == 0 && line.find("NOT a neural model") != std::string::npos;
  EXPECT_TRUE(found);
  auto llm = EngineRegistry::Global().CreateLlm("analyst", {{"knowledge", testing::KnowledgeDir()}});
  ASSERT_TRUE(llm.ok()) << llm.status().ToString();
  auto answer = GenerateBlocking(**llm, {.prompt = "What is the ticker symbol of Petrobras?"},
                                 Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(answer.ok());
  EXPECT_THAT(answer->text, HasSubstr("PETR4"));
  EXPECT_EQ(GenerateBlocking(**llm, {.prompt = ""}, Deadline::Never()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(GenerateBlocking(**llm, {.prompt = std::string(70000, 'a')}, Deadline::Never()).status().code(),
            StatusCode::kPayloadTooLarge);
  EXPECT_EQ(GenerateBlocking(**llm, {.prompt = "q"}, Deadline(Deadline::Clock::now())).status().code(),
            StatusCode::kDeadlineExceeded);
}

TEST(AnalystEngineTest, OptionsAreCheckedAndUserPricesLoad) {
  EXPECT_EQ(CreateLanguageModel({{"colour", "red"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateLanguageModel({{"knowledge", "/nonexistent"}}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(
      CreateLanguageModel({{"knowledge", testing::KnowledgeDir()}, {"prices", "/nonexistent.csv"}}).status().code(),
      StatusCode::kNotFound);
  std::string path = ::testing::TempDir() + "/user_prices.csv";
  {
    std::ofstream file(path);
    file << "date,ticker,open,high,low,close,volume\n2024-03-01,WEGE3,40,40,40,40,1\n2024-03-04,WEGE3,44,44,44,44,1\n";
  }
  auto llm = CreateLanguageModel({{"knowledge", testing::KnowledgeDir()}, {"prices", path}});
  ASSERT_TRUE(llm.ok()) << llm.status().ToString();
  auto answer = GenerateBlocking(**llm, {.prompt = "what were the best stocks of 2024"}, Deadline::Never());
  ASSERT_TRUE(answer.ok());
  EXPECT_THAT(answer->text, HasSubstr("WEGE3 +10.00%"));
  EXPECT_THAT(answer->text, HasSubstr("dataset user_prices.csv"));
  EXPECT_EQ(answer->sources, std::vector<std::string>{"user_prices.csv (price history)"});
}

}  // namespace
}  // namespace maestro::analyst
