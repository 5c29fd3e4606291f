#include "engines/analyst/analyst.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>

#include "common/parse_number.h"
#include "engines/analyst/analytics.h"
#include "engines/analyst/data_dir.h"

namespace maestro::analyst {
namespace {

constexpr size_t kRankingSize = 3;

using Words = std::set<std::string>;

bool HasAny(const Words& words, std::initializer_list<const char*> candidates) {
  for (const char* candidate : candidates) {
    if (words.count(candidate)) return true;
  }
  return false;
}

// The question's vocabulary, English and Portuguese, folded like Tokenize folds it.
bool AsksTicker(const Words& w) {
  return HasAny(w, {"ticker", "tickers", "symbol", "simbolo", "codigo", "sigla", "code"});
}
bool RoseMost(const Words& w) {
  return HasAny(w, {"most", "mais"}) &&
         HasAny(w, {"rose", "rise", "gained", "grew", "subiu", "subiram", "valorizou", "valorizaram", "rendeu"});
}
bool FellMost(const Words& w) {
  return HasAny(w, {"most", "mais"}) &&
         HasAny(w, {"fell", "fall", "dropped", "lost", "caiu", "cairam", "desvalorizou"});
}
bool AsksWorst(const Words& w) {
  return HasAny(w, {"worst", "piores", "pior", "lowest", "losers", "quedas"}) || FellMost(w);
}
bool AsksBest(const Words& w) {
  return HasAny(w, {"best", "top", "melhores", "melhor", "highest", "gainers", "altas"}) ||
         (HasAny(w, {"maiores", "biggest"}) && !AsksWorst(w)) || RoseMost(w);
}
// Recommendations are opinions about the future; the knowledge base holds only facts about the past.
bool AsksAdvice(const Words& w) {
  return HasAny(w, {"should", "recommend", "recommendation", "recomenda", "recomendacao", "devo", "buy", "sell",
                    "comprar", "vender"}) ||
         (HasAny(w, {"good", "bom", "boa"}) && HasAny(w, {"investment", "investimento", "invest", "investir"}));
}
bool MentionsStocks(const Words& w) {
  return HasAny(w, {"stock", "stocks", "shares", "acoes", "acao", "papeis", "performers", "performing", "gainers",
                    "losers", "ativos", "tickers", "altas", "quedas", "companies", "empresas"});
}
bool AsksDifference(const Words& w) {
  return HasAny(w, {"difference", "differences", "diferenca", "diferencas", "differ"});
}
bool AsksComparison(const Words& w) {
  return AsksDifference(w) || HasAny(w, {"compare", "comparar", "compara", "comparison", "comparacao", "versus", "vs"});
}
bool AsksDrawdown(const Words& w) {
  return HasAny(w, {"drawdown", "drawdowns", "rebaixamento"}) || (w.count("queda") && HasAny(w, {"maxima", "maior"})) ||
         (HasAny(w, {"maximum", "max", "largest", "biggest", "worst"}) &&
          HasAny(w, {"drop", "decline", "fall", "loss"}));
}
bool AsksVolatility(const Words& w) {
  return HasAny(w, {"volatility", "volatile", "volatilidade", "volatil", "oscilacao"});
}
bool AsksReturn(const Words& w) {
  return HasAny(w, {"return",    "returns",    "returned", "retorno",  "rentabilidade", "performance", "perform",
                    "performed", "desempenho", "gain",     "gained",   "rise",          "rose",        "valorizacao",
                    "valorizou", "subiu",      "change",   "variacao", "grow",          "grew",        "rendeu",
                    "rende",     "rendimento", "caiu",     "fell"});
}
bool AsksPrice(const Words& w) {
  return HasAny(w,
                {"price", "prices", "preco", "close", "closing", "closed", "fechamento", "cotacao", "quote", "worth"});
}

// The first four-digit token between 1900 and 2199, as spoken years are normalised to ("twenty twenty four").
std::optional<int32_t> FindYear(const std::vector<std::string>& tokens) {
  for (const auto& token : tokens) {
    if (token.size() == 4 && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      auto year = ParseNumber<int32_t>(token);
      if (year && *year >= 1900 && *year <= 2199) return *year;
    }
  }
  return std::nullopt;
}

class Phrases {
 public:
  explicit Phrases(Language language) : pt_(language == Language::kPortuguese) {}
  bool pt() const { return pt_; }
  const char* operator()(const char* en, const char* pt) const { return pt_ ? pt : en; }
  // Portuguese writes decimal commas.
  std::string Number(std::string text) const {
    if (pt_) std::replace(text.begin(), text.end(), '.', ',');
    return text;
  }
  std::string Percent(int64_t basis_points, bool signed_format = true) const {
    return Number(FormatBasisPoints(basis_points, signed_format));
  }
  std::string Money(Price price) const { return Number(FormatPrice(price)); }

 private:
  bool pt_;
};

std::string SectorName(const std::string& sector, const Phrases& say) {
  static const std::map<std::string, std::string> kPortuguese = {{"Oil & Gas", "petróleo e gás"},
                                                                 {"Mining", "mineração"},
                                                                 {"Banking", "bancos"},
                                                                 {"Financial Services", "serviços financeiros"},
                                                                 {"Insurance", "seguros"},
                                                                 {"Beverages", "bebidas"},
                                                                 {"Food", "alimentos"},
                                                                 {"Retail", "varejo"},
                                                                 {"Industrial Machinery", "máquinas industriais"},
                                                                 {"Utilities", "energia elétrica e saneamento"},
                                                                 {"Pulp & Paper", "papel e celulose"},
                                                                 {"Steel", "siderurgia"},
                                                                 {"Telecommunications", "telecomunicações"},
                                                                 {"Healthcare", "saúde"},
                                                                 {"Car Rental", "aluguel de carros"},
                                                                 {"Aerospace", "aeroespacial"},
                                                                 {"Logistics", "logística"},
                                                                 {"Education", "educação"},
                                                                 {"Technology", "tecnologia"},
                                                                 {"Semiconductors", "semicondutores"},
                                                                 {"Internet", "internet"},
                                                                 {"Automotive", "automotivo"},
                                                                 {"Pharmaceuticals", "farmacêutico"},
                                                                 {"Consumer Goods", "bens de consumo"},
                                                                 {"Payments", "pagamentos"},
                                                                 {"Media", "mídia"},
                                                                 {"Chemicals", "química"},
                                                                 {"Transportation", "transporte"},
                                                                 {"Stock Exchange", "bolsa de valores"},
                                                                 {"Agribusiness", "agronegócio"},
                                                                 {"Real Estate", "imobiliário"},
                                                                 {"Conglomerate", "conglomerado"}};
  if (!say.pt()) return sector;
  auto it = kPortuguese.find(sector);
  return it == kPortuguese.end() ? sector : it->second;
}

std::string ShareClass(const std::string& share_class, const Phrases& say) {
  if (share_class.empty()) return "";
  static const std::map<std::string, std::string> kPortuguese = {
      {"preferred", "ações preferenciais"}, {"common", "ações ordinárias"}, {"unit", "units"},
      {"class A", "ações classe A"},        {"class B", "ações classe B"},  {"class C", "ações classe C"}};
  if (say.pt()) {
    auto it = kPortuguese.find(share_class);
    return " (" + (it == kPortuguese.end() ? share_class : it->second) + ")";
  }
  return " (" + share_class + (share_class == "unit" ? "s" : " shares") + ")";
}

std::string PeriodText(std::optional<int32_t> year, const Phrases& say) {
  if (year) return say("in ", "em ") + std::to_string(*year);
  return say("over the whole dataset", "em todo o conjunto de dados");
}

std::string DatasetText(const PriceHistory& prices, const Phrases& say) {
  if (prices.synthetic()) {
    return say("synthetic sample dataset ", "conjunto sintético de exemplo ") + prices.name() +
           say(", not real prices", ", preços não reais");
  }
  return say("dataset ", "conjunto ") + prices.name();
}

std::string PricesSource(const PriceHistory& prices) {
  return prices.name() + (prices.synthetic() ? " (SYNTHETIC sample data, not market prices)" : " (price history)");
}

// Keeps at most kMaxAnswerWords words; every template is written to fit, so this only guards user data (long
// company names).
std::string LimitWords(const std::string& text) {
  if (CountWords(text) <= kMaxAnswerWords) return text;
  std::string out;
  int words = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word && ++words > kMaxAnswerWords) break;
    in_word = !space;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "…";
}

}  // namespace

std::string DefaultKnowledgeDir() {
  return DefaultDataDir() + "/knowledge";
}

Result<std::unique_ptr<Analyst>> Analyst::Create(const AnalystConfig& config) {
  std::string dir = config.knowledge_dir.empty() ? DefaultKnowledgeDir() : config.knowledge_dir;
  auto instruments = InstrumentTable::LoadFile(dir + "/instruments.csv");
  if (!instruments.ok()) return instruments.status();
  auto glossary = Glossary::LoadFile(dir + "/glossary.yaml");
  if (!glossary.ok()) return glossary.status();
  auto prices =
      PriceHistory::LoadFile(config.prices_path.empty() ? dir + "/" + kSyntheticPricesFile : config.prices_path);
  if (!prices.ok()) return prices.status();
  return std::make_unique<Analyst>(std::move(*instruments), std::move(*glossary), std::move(*prices));
}

Analyst::Analyst(InstrumentTable instruments, Glossary glossary, PriceHistory prices)
    : instruments_(std::move(instruments)), glossary_(std::move(glossary)), prices_(std::move(prices)) {}

Analyst::Draft Analyst::Respond(const std::vector<std::string>& tokens, Language question_language,
                                Language language) const {
  const Phrases say(language);
  const Words words(tokens.begin(), tokens.end());
  const auto mentions = instruments_.FindMentions(tokens, question_language);
  const auto year = FindYear(tokens);
  const Period period = year ? Period::Year(*year) : Period{};
  const std::string dataset = DatasetText(prices_, say);

  // The first listing of a mentioned company that has prices: the user's explicit ticker, else the main class.
  auto priced = [&](const Mention& mention) -> const Series* {
    for (const auto* listing : mention.listings) {
      if (const Series* series = prices_.Find(listing->ticker)) return series;
    }
    return nullptr;
  };
  auto no_prices = [&](const Mention& mention) {
    return Draft{true,
                 say("I have no price data for ", "Não tenho dados de preço de ") + mention.listings.front()->ticker +
                     say(" in the ", " no ") + dataset + ".",
                 {PricesSource(prices_)}};
  };
  auto no_sessions = [&](const std::string& what) {
    return Draft{true,
                 say("There are too few sessions of ", "Há poucos pregões de ") + what + " " + PeriodText(year, say) +
                     say(" in the ", " no ") + dataset + ".",
                 {PricesSource(prices_)}};
  };
  // The CSV's currency, else the one its exchange trades in.
  auto currency = [&](const Series& series) -> std::string {
    if (!series.currency.empty()) return " " + series.currency;
    const Instrument* instrument = instruments_.FindTicker(series.ticker);
    if (!instrument) return "";
    return instrument->exchange == "B3" ? " BRL" : (instrument->exchange.empty() ? "" : " USD");
  };

  if (AsksAdvice(words)) {
    return {false,
            say("I give facts from my knowledge base, not investment advice, so I won't say what to buy or sell.",
                "Eu informo fatos da minha base de conhecimento, não recomendações de investimento; não vou dizer o "
                "que comprar ou vender."),
            {}};
  }

  // Best or worst stocks of a period.
  const bool worst = AsksWorst(words);
  if ((AsksBest(words) || worst) && MentionsStocks(words) && mentions.empty()) {
    auto ranking = RankByReturn(prices_, period);
    if (ranking.empty()) return no_sessions(say("any ticker", "nenhum ativo"));
    if (worst) std::reverse(ranking.begin(), ranking.end());
    if (ranking.size() > kRankingSize) ranking.resize(kRankingSize);
    std::string list;
    for (size_t i = 0; i < ranking.size(); ++i) {
      list += (i == 0 ? "" : ", ") + ranking[i].ticker + " " + say.Percent(ranking[i].basis_points);
    }
    std::string head = worst ? say("Worst", "Piores") : say("Best", "Melhores");
    std::string text = head + say(" stock returns ", " retornos de ações ") + PeriodText(year, say) +
                       say(" in the ", " no ") + dataset + ": " + list +
                       say(". Close to close, split-adjusted, local currency.",
                           ". Fechamento a fechamento, ajustado por desdobramentos, moeda local.");
    return {true, text, {PricesSource(prices_)}};
  }

  // Two companies: compare their returns and volatilities.
  if (mentions.size() >= 2 && AsksComparison(words)) {
    const Series* first = priced(mentions[0]);
    const Series* second = priced(mentions[1]);
    if (!first) return no_prices(mentions[0]);
    if (!second) return no_prices(mentions[1]);
    auto comparison = Compare(*first, *second, period);
    if (!comparison.ok()) return no_sessions(first->ticker + say(" or ", " ou ") + second->ticker);
    const auto& c = *comparison;
    const bool first_ahead = c.spread_basis_points >= 0;
    std::string spread = say.Percent(std::abs(c.spread_basis_points), false);
    spread.pop_back();  // the unit is "percentage points", not "%"
    std::string text = PeriodText(year, say) + ", " + first->ticker + say(" returned ", " rendeu ") +
                       say.Percent(c.first.basis_points) + say(" with ", " com volatilidade de ") +
                       say.Percent(c.first_volatility.basis_points, false) + say(" volatility; ", "; ") +
                       second->ticker + say(" returned ", " rendeu ") + say.Percent(c.second.basis_points) +
                       say(" with ", " com volatilidade de ") + say.Percent(c.second_volatility.basis_points, false) +
                       say(" volatility. ", ". ") + (first_ahead ? first->ticker : second->ticker) +
                       say(" led by ", " ficou à frente por ") + spread +
                       say(" percentage points (", " pontos percentuais (") + dataset + ").";
    text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    return {true, text, {PricesSource(prices_)}};
  }

  if (!mentions.empty() && (AsksDrawdown(words) || AsksVolatility(words) || AsksReturn(words) || AsksPrice(words))) {
    const Series* series = priced(mentions[0]);
    if (!series) return no_prices(mentions[0]);
    const std::string& t = series->ticker;
    if (AsksDrawdown(words)) {
      auto drawdown = MaxDrawdown(*series, period);
      if (!drawdown.ok()) return no_sessions(t);
      std::string text = say("The maximum drawdown of ", "A queda máxima de ") + t + " " + PeriodText(year, say) +
                         say(" was ", " foi ") + say.Percent(drawdown->basis_points, false) + say(", from ", ", de ") +
                         say.Money(drawdown->peak_close) + say(" on ", " em ") + FormatDate(drawdown->peak_date) +
                         say(" to ", " para ") + say.Money(drawdown->trough_close) + say(" on ", " em ") +
                         FormatDate(drawdown->trough_date) +
                         say(" (split-adjusted closes, ", " (fechamentos ajustados, ") + dataset + ").";
      return {true, text, {PricesSource(prices_)}};
    }
    if (AsksVolatility(words)) {
      auto volatility = VolatilityOver(*series, period);
      if (!volatility.ok()) return no_sessions(t);
      std::string text = say("The annualised volatility of ", "A volatilidade anualizada de ") + t + " " +
                         PeriodText(year, say) + say(" was ", " foi ") + say.Percent(volatility->basis_points, false) +
                         say(": sample standard deviation of ", ": desvio padrão amostral de ") +
                         std::to_string(volatility->sessions - 1) +
                         say(" daily log returns times the square root of 252 (",
                             " retornos logarítmicos diários vezes a raiz de 252 (") +
                         dataset + ").";
      return {true, text, {PricesSource(prices_)}};
    }
    if (AsksReturn(words)) {
      auto result = ReturnOver(*series, period);
      if (!result.ok()) return no_sessions(t);
      std::string text = t + say(" returned ", " rendeu ") + say.Percent(result->basis_points) + " " +
                         PeriodText(year, say) + say(", from ", ", de ") + say.Money(result->first_close) +
                         say(" on ", " em ") + FormatDate(result->first_date) + say(" to ", " a ") +
                         say.Money(result->last_close) + currency(*series) + say(" on ", " em ") +
                         FormatDate(result->last_date) + say(" (split-adjusted closes, ", " (fechamentos ajustados, ") +
                         dataset + ").";
      return {true, text, {PricesSource(prices_)}};
    }
    const Bar* last = nullptr;
    for (const Bar& bar : series->bars) {
      if (bar.date >= period.from && bar.date <= period.to) last = &bar;
    }
    if (!last) return no_sessions(t);
    std::string text = t + say(" closed at ", " fechou a ") + say.Money(last->close) + currency(*series) +
                       say(" on ", " em ") + FormatDate(last->date) + say(", its last session", ", seu último pregão") +
                       (year ? " " + PeriodText(year, say) : "") + say(" in the ", " no ") + dataset + ".";
    return {true, text, {PricesSource(prices_)}};
  }

  // A company together with a concept the knowledge base has no data for ("the dividend yield of Petrobras").
  if (!mentions.empty() && !AsksTicker(words) && !AsksDifference(words)) {
    static const std::set<std::string> kAboutListings = {"ticker", "stocks", "share-classes", "b3", "stock-index"};
    if (const GlossaryEntry* entry = glossary_.Lookup(tokens); entry && !kAboutListings.count(entry->id)) {
      return {
          false,
          say("I have no ", "Não tenho dados de ") + entry->terms.front() + say(" data for ", " para ") +
              mentions[0].listings.front()->ticker +
              say("; I know its ticker, sector and daily prices.", "; conheço o ticker, o setor e os preços diários."),
          {}};
    }
  }

  // A company: its tickers, exchange and sector.
  if (!mentions.empty() && (AsksTicker(words) || !AsksDifference(words))) {
    const auto& listings = mentions[0].listings;
    const Instrument& main = *listings.front();
    std::string list;
    std::vector<std::string> sources;
    for (size_t i = 0; i < listings.size(); ++i) {
      if (i > 0) list += i + 1 == listings.size() ? say(" and ", " e ") : ", ";
      list += listings[i]->ticker + ShareClass(listings[i]->share_class, say);
      sources.push_back("instruments.csv#" + listings[i]->ticker);
    }
    std::string text = main.company + say(" trades on ", " é negociada na ") + main.exchange + say(" as ", " como ") +
                       list + say(". Sector: ", ". Setor: ") + SectorName(main.sector, say) + ".";
    return {true, text, sources};
  }

  // A ticker asked for a company the table does not know: say so rather than define "ticker".
  if (AsksTicker(words) && mentions.empty()) {
    static const Words kTickerVocabulary = {
        "ticker", "tickers",   "symbol", "simbolo", "codigo",     "sigla",    "code",    "negociacao", "stock",
        "stocks", "share",     "shares", "acao",    "acoes",      "company",  "empresa", "trading",    "mean",
        "means",  "significa", "define", "explain", "definition", "explique", "exactly"};
    bool names_something = false;
    for (const auto& token : ContentTokens(tokens)) names_something |= kTickerVocabulary.count(token) == 0;
    if (names_something) {
      return {false,
              say("That company is not in my instrument table of major B3 and US stocks, so I won't guess its ticker.",
                  "Essa empresa não está na minha tabela das principais ações da B3 e dos EUA, então não vou "
                  "adivinhar o ticker."),
              {"instruments.csv"}};
    }
  }

  // "The difference between A and B": one definition each.
  if (AsksDifference(words)) {
    auto at = std::find_if(tokens.begin(), tokens.end(), [](const std::string& token) {
      return token == "difference" || token == "differences" || token == "diferenca" || token == "diferencas" ||
             token == "differ";
    });
    std::vector<std::string> rest(at + 1, tokens.end());
    auto split = std::find_if(rest.begin(), rest.end(), [](const std::string& token) {
      return token == "and" || token == "e" || token == "vs" || token == "versus" || token == "from";
    });
    if (split != rest.end()) {
      const GlossaryEntry* a = glossary_.Lookup({rest.begin(), split});
      const GlossaryEntry* b = glossary_.Lookup({split + 1, rest.end()});
      if (a && b && a != b) {
        return {
            true, a->Text(language) + " " + b->Text(language), {"glossary.yaml#" + a->id, "glossary.yaml#" + b->id}};
      }
    }
  }

  if (const GlossaryEntry* entry = glossary_.Lookup(tokens)) {
    return {true, entry->Text(language), {"glossary.yaml#" + entry->id}};
  }

  return {false,
          say("I can't answer that from my knowledge base (instrument table, financial glossary and price data), "
              "and I won't guess.",
              "Não consigo responder isso com minha base de conhecimento (tabela de ativos, glossário financeiro e "
              "preços), e não vou inventar."),
          {}};
}

Generation Analyst::Answer(std::string_view question) const {
  Language language = DetectLanguage(question);
  Draft draft = Respond(NormalizeQuestion(question), language, language);
  return Generation{LimitWords(draft.text), LanguageTag(language), std::move(draft.sources)};
}

RetrievedContext Analyst::RetrieveContext(std::string_view question, Language passage_language) const {
  RetrievedContext context;
  context.language = DetectLanguage(question);
  auto tokens = NormalizeQuestion(question);
  Draft draft = Respond(tokens, context.language, passage_language);
  context.answer = passage_language == context.language
                       ? LimitWords(draft.text)
                       : LimitWords(Respond(tokens, context.language, context.language).text);
  context.grounded = draft.grounded;
  if (draft.grounded) {
    context.passages.push_back(draft.text);
    context.sources = draft.sources;
  }
  for (const auto* entry : glossary_.Search(tokens, 3)) {
    std::string passage = entry->Text(passage_language);
    if (std::find(context.passages.begin(), context.passages.end(), passage) != context.passages.end()) continue;
    context.passages.push_back(passage);
    context.sources.push_back("glossary.yaml#" + entry->id);
  }
  return context;
}

}  // namespace maestro::analyst
