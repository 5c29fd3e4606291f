#include "engines/openai/openai_engines.h"

#include <nlohmann/json.hpp>

#include "audio/wav.h"
#include "common/text.h"
#include "engines/analyst/analyst.h"
#include "engines/grounding/grounded_prompt.h"
#include "engines/openai/openai_client.h"

namespace maestro::openai {
namespace {

using nlohmann::json;

std::string TakeString(EngineOptions& options, const std::string& key, std::string fallback) {
  auto it = options.find(key);
  if (it == options.end()) return fallback;
  std::string value = it->second;
  options.erase(it);
  return value;
}

Status Overloaded(const std::string& engine) {
  return Status(StatusCode::kOverloaded, engine + ": every worker is busy and the queue is full");
}

// Parses a 2xx JSON body. RETURNS kUpstreamError when the server sent something that is not JSON.
Result<json> ParseJson(const HttpReply& reply, const std::string& what) {
  json parsed = json::parse(reply.body, nullptr, false);
  if (parsed.is_discarded()) {
    return Status(StatusCode::kUpstreamError, what + ": malformed JSON in the reply: " + reply.body.substr(0, 120));
  }
  return parsed;
}

Status Malformed(const std::string& what, const std::string& missing) {
  return Status(StatusCode::kUpstreamError, what + ": the reply has no " + missing);
}

class OpenAiSpeechToText final : public SpeechToText {
 public:
  OpenAiSpeechToText(std::unique_ptr<OpenAiClient> client, std::string model, std::string language)
      : model_(std::move(model)), language_(std::move(language)), client_(std::move(client)) {}

  void Transcribe(AudioClip clip, Deadline deadline, Callback<Transcript> done) override {
    if (clip.bytes.empty()) return done(InvalidArgument("empty audio"));
    if (clip.bytes.size() > kMaxAudioBytes) return done(Status(StatusCode::kPayloadTooLarge, "audio above 25 MiB"));
    auto task = [this, clip = std::move(clip), deadline, done]() mutable {
      if (deadline.expired()) return done(DeadlineExceeded("openai stt: the deadline passed in the queue"));
      std::string filename =
          clip.filename.empty() ? "audio." + std::string(audio::SniffContainer(clip.bytes)) : clip.filename;
      if (filename == "audio.") filename = "audio.wav";
      std::vector<HttpPart> parts = {{"file", std::move(clip.bytes), filename,
                                      clip.content_type.empty() ? "application/octet-stream" : clip.content_type},
                                     {"model", model_, "", ""},
                                     {"response_format", "json", "", ""}};
      if (!language_.empty()) parts.push_back({"language", language_, "", ""});
      auto reply = client_->PostMultipart(Path(), parts, deadline);
      if (!reply.ok()) return done(reply.status().WithHop("stt"));
      auto body = ParseJson(*reply, "openai stt");
      if (!body.ok()) return done(body.status().WithHop("stt"));
      if (!body->is_object() || !(*body)["text"].is_string())
        return done(Malformed("openai stt", "\"text\" string").WithHop("stt"));
      Transcript transcript{std::string(Trim((*body)["text"].get<std::string>())), language_, 1.0};
      if (body->contains("language") && (*body)["language"].is_string()) {
        transcript.language = (*body)["language"].get<std::string>();
      }
      done(std::move(transcript));
    };
    if (!client_->Submit(std::move(task))) done(Overloaded("openai stt"));
  }

 private:
  std::string Path() const {
    return client_->config().path.empty() ? "/v1/audio/transcriptions" : client_->config().path;
  }
  std::string model_;
  std::string language_;
  std::unique_ptr<OpenAiClient> client_;  // last: its pool drains before the fields above go
};

class OpenAiLanguageModel final : public LanguageModel {
 public:
  OpenAiLanguageModel(std::unique_ptr<OpenAiClient> client, std::string model,
                      std::unique_ptr<analyst::Analyst> analyst)
      : model_(std::move(model)), analyst_(std::move(analyst)), client_(std::move(client)) {}

  void Generate(GenerationRequest request, Deadline deadline, Callback<Generation> done) override {
    if (request.prompt.empty()) return done(InvalidArgument("empty prompt"));
    if (request.prompt.size() > kMaxTextBytes) return done(Status(StatusCode::kPayloadTooLarge, "prompt above 64 KiB"));
    auto task = [this, request = std::move(request), deadline, done]() {
      if (deadline.expired()) return done(DeadlineExceeded("openai llm: the deadline passed in the queue"));
      analyst::RetrievedContext context;
      if (analyst_) {
        context = analyst_->RetrieveContext(request.prompt, analyst::DetectLanguage(request.prompt));
      } else {
        context.language = analyst::DetectLanguage(request.prompt);
      }
      const std::string language = analyst::LanguageTag(context.language);
      json body = {
          {"model", model_},
          {"messages",
           json::array({{{"role", "system"}, {"content", grounding::SystemPrompt(context.language)}},
                        {{"role", "user"},
                         {"content", context.passages.empty() ? request.prompt
                                                              : grounding::UserMessage(context, request.prompt)}}})},
          {"max_tokens", request.max_tokens},
          {"temperature", request.temperature},
          {"top_p", request.top_p},
          {"presence_penalty", request.presence_penalty},
          {"frequency_penalty", request.frequency_penalty},
          {"stream", false}};
      auto reply = client_->PostJson(Path(), body.dump(), deadline);
      if (!reply.ok()) return done(reply.status().WithHop("llm"));
      auto parsed = ParseJson(*reply, "openai llm");
      if (!parsed.ok()) return done(parsed.status().WithHop("llm"));
      const json& choices = parsed->is_object() ? (*parsed)["choices"] : json();
      if (!choices.is_array() || choices.empty() || !choices[0].is_object() || !choices[0].contains("message") ||
          !choices[0]["message"].is_object() || !choices[0]["message"]["content"].is_string()) {
        return done(Malformed("openai llm", "choices[0].message.content string").WithHop("llm"));
      }
      Generation generation{std::string(Trim(choices[0]["message"]["content"].get<std::string>())), language,
                            context.sources};
      generation.sources.push_back("openai:" + (model_.empty() ? std::string("default") : model_) + "@" +
                                   client_->Describe());
      done(std::move(generation));
    };
    if (!client_->Submit(std::move(task))) done(Overloaded("openai llm"));
  }

 private:
  std::string Path() const { return client_->config().path.empty() ? "/v1/chat/completions" : client_->config().path; }
  std::string model_;
  std::unique_ptr<analyst::Analyst> analyst_;
  std::unique_ptr<OpenAiClient> client_;
};

class OpenAiTextToSpeech final : public TextToSpeech {
 public:
  OpenAiTextToSpeech(std::unique_ptr<OpenAiClient> client, std::string model, std::string voice)
      : model_(std::move(model)), voice_(std::move(voice)), client_(std::move(client)) {}

  void Synthesize(SynthesisRequest request, Deadline deadline, Callback<SpeechAudio> done) override {
    if (request.text.empty()) return done(InvalidArgument("empty text"));
    if (request.text.size() > kMaxTextBytes) return done(Status(StatusCode::kPayloadTooLarge, "text above 64 KiB"));
    auto task = [this, request = std::move(request), deadline, done]() {
      if (deadline.expired()) return done(DeadlineExceeded("openai tts: the deadline passed in the queue"));
      json body = {{"model", model_},
                   {"input", request.text},
                   {"voice", request.voice.empty() ? voice_ : request.voice},
                   {"response_format", "wav"}};
      auto reply = client_->PostJson(Path(), body.dump(), deadline);
      if (!reply.ok()) return done(reply.status().WithHop("tts"));
      if (audio::SniffContainer(reply->body) != "wav") {
        return done(Status(StatusCode::kUpstreamError,
                           "openai tts: the reply is not a WAV file (Content-Type '" + reply->content_type + "')")
                        .WithHop("tts"));
      }
      done(SpeechAudio{std::move(reply->body)});
    };
    if (!client_->Submit(std::move(task))) done(Overloaded("openai tts"));
  }

 private:
  std::string Path() const { return client_->config().path.empty() ? "/v1/audio/speech" : client_->config().path; }
  std::string model_;
  std::string voice_;
  std::unique_ptr<OpenAiClient> client_;
};

}  // namespace

Result<std::unique_ptr<SpeechToText>> CreateSpeechToText(EngineOptions options) {
  auto config = TakeClientConfig(options);
  if (!config.ok()) return config.status();
  std::string model = TakeString(options, "model", "whisper-1");
  std::string language = TakeString(options, "language", "");
  if (auto status = RejectUnknown(options, "openai stt"); !status.ok()) return status;
  auto client = OpenAiClient::Create(*config);
  if (!client.ok()) return client.status();
  return std::unique_ptr<SpeechToText>(new OpenAiSpeechToText(std::move(*client), model, language));
}

Result<std::unique_ptr<LanguageModel>> CreateLanguageModel(EngineOptions options) {
  auto config = TakeClientConfig(options);
  if (!config.ok()) return config.status();
  std::string model = TakeString(options, "model", "");
  std::string context = TakeString(options, "context", "analyst");
  analyst::AnalystConfig knowledge{TakeString(options, "knowledge", ""), TakeString(options, "prices", "")};
  if (auto status = RejectUnknown(options, "openai llm"); !status.ok()) return status;
  if (context != "analyst" && context != "none") return InvalidArgument("option context must be analyst or none");
  std::unique_ptr<analyst::Analyst> analyst;
  if (context == "analyst") {
    auto created = analyst::Analyst::Create(knowledge);
    if (!created.ok()) return created.status();
    analyst = std::move(*created);
  }
  auto client = OpenAiClient::Create(*config);
  if (!client.ok()) return client.status();
  return std::unique_ptr<LanguageModel>(new OpenAiLanguageModel(std::move(*client), model, std::move(analyst)));
}

Result<std::unique_ptr<TextToSpeech>> CreateTextToSpeech(EngineOptions options) {
  auto config = TakeClientConfig(options);
  if (!config.ok()) return config.status();
  std::string model = TakeString(options, "model", "tts-1");
  std::string voice = TakeString(options, "voice", "alloy");
  if (auto status = RejectUnknown(options, "openai tts"); !status.ok()) return status;
  auto client = OpenAiClient::Create(*config);
  if (!client.ok()) return client.status();
  return std::unique_ptr<TextToSpeech>(new OpenAiTextToSpeech(std::move(*client), model, voice));
}

void Register(EngineRegistry& registry) {
  const std::string common =
      "OpenAI-compatible HTTP server (whisper.cpp, llama.cpp, Ollama /v1, vLLM); key from $MAESTRO_OPENAI_API_KEY or "
      "$OPENAI_API_KEY; options base=URL, model, path, workers, queue, retries, backoff_ms, connect_timeout_ms, "
      "api_key_env";
  registry.RegisterStt("openai", common + ", language", [](const EngineOptions& o) { return CreateSpeechToText(o); });
  registry.RegisterLlm("openai", common + ", context=analyst|none, knowledge, prices",
                       [](const EngineOptions& o) { return CreateLanguageModel(o); });
  registry.RegisterTts("openai", common + ", voice", [](const EngineOptions& o) { return CreateTextToSpeech(o); });
}

}  // namespace maestro::openai
