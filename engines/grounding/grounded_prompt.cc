#include "engines/grounding/grounded_prompt.h"

namespace maestro::grounding {

std::string SystemPrompt(analyst::Language language) {
  if (language == analyst::Language::kPortuguese) {
    return "Você é um assistente financeiro conciso. Responda em português do Brasil, em no máximo 50 palavras, "
           "usando apenas os fatos fornecidos e copiando os números e códigos exatamente como aparecem. Se os "
           "fatos não respondem à pergunta, diga que não sabe.";
  }
  return "You are a concise financial assistant. Answer in English, in at most 50 words, using only the facts "
         "given and copying numbers and tickers exactly as they appear. If the facts do not answer the question, "
         "say you do not know.";
}

std::string UserMessage(const analyst::RetrievedContext& context, std::string_view question) {
  const bool portuguese = context.language == analyst::Language::kPortuguese;
  std::string message = portuguese ? "Fatos:\n" : "Facts:\n";
  if (context.passages.empty()) message += portuguese ? "- (nenhum fato encontrado)\n" : "- (no facts found)\n";
  for (const auto& passage : context.passages) message += "- " + passage + "\n";
  message += portuguese ? "\nPergunta: " : "\nQuestion: ";
  message += question;
  return message;
}

}  // namespace maestro::grounding
