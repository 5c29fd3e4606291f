#include "transport/rest/rest_json.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "transport/wire_status.h"

namespace maestro::rest {
namespace {

using json = nlohmann::json;

Result<json> ParseObject(std::string_view body) {
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return InvalidArgument("body is not a JSON object");
  return parsed;
}

Status NotRepresentable(const char* key, const char* what) {
  return InvalidArgument(std::string("field '") + key + "' must be " + what);
}

// Reads an optional whole number into `out`. A double is accepted when it is whole and in range, as JSON does
// not tell 3 from 3.0; anything else would be undefined behaviour in the conversion.
Status ReadInteger(const json& object, const char* key, int32_t& out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return Status::Ok();
  if (!it->is_number()) return NotRepresentable(key, "a number");
  const double value = it->get<double>();
  if (!std::isfinite(value) || value != std::trunc(value) || value < std::numeric_limits<int32_t>::min() ||
      value > std::numeric_limits<int32_t>::max()) {
    return NotRepresentable(key, "a whole number that fits 32 bits");
  }
  out = static_cast<int32_t>(value);
  return Status::Ok();
}

// Reads an optional finite number into a float field; larger magnitudes would overflow the conversion.
Status ReadFloat(const json& object, const char* key, float& out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return Status::Ok();
  if (!it->is_number()) return NotRepresentable(key, "a number");
  const double value = it->get<double>();
  if (!std::isfinite(value) || std::fabs(value) > std::numeric_limits<float>::max()) {
    return NotRepresentable(key, "a finite number");
  }
  out = static_cast<float>(value);
  return Status::Ok();
}

// Reads an optional string field; RETURNS false when present with another type.
bool ReadOptionalString(const json& object, const char* key, std::string& out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

Status Upstream(const std::string& message) {
  return Status(StatusCode::kUpstreamError, message);
}

}  // namespace

Result<GenerationRequest> ParseGenerateRequest(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  GenerationRequest request;
  auto prompt = object->find("prompt");
  if (prompt == object->end() || !prompt->is_string()) return InvalidArgument("field 'prompt' (string) is required");
  request.prompt = prompt->get<std::string>();
  for (auto status :
       {ReadInteger(*object, "max_tokens", request.max_tokens), ReadFloat(*object, "temperature", request.temperature),
        ReadFloat(*object, "top_p", request.top_p), ReadInteger(*object, "top_k", request.top_k),
        ReadFloat(*object, "repeat_penalty", request.repeat_penalty),
        ReadFloat(*object, "presence_penalty", request.presence_penalty),
        ReadFloat(*object, "frequency_penalty", request.frequency_penalty)}) {
    if (!status.ok()) return status;
  }
  return request;
}

std::string GenerateRequestJson(const GenerationRequest& request) {
  return json{{"prompt", request.prompt},
              {"max_tokens", request.max_tokens},
              {"temperature", request.temperature},
              {"top_p", request.top_p},
              {"top_k", request.top_k},
              {"repeat_penalty", request.repeat_penalty},
              {"presence_penalty", request.presence_penalty},
              {"frequency_penalty", request.frequency_penalty}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<SynthesisRequest> ParseSynthesizeRequest(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto text = object->find("text");
  if (text == object->end() || !text->is_string()) return InvalidArgument("field 'text' (string) is required");
  SynthesisRequest request{text->get<std::string>(), ""};
  if (!ReadOptionalString(*object, "voice", request.voice)) return InvalidArgument("field 'voice' must be a string");
  return request;
}

std::string SynthesizeRequestJson(const SynthesisRequest& request) {
  json body = {{"text", request.text}};
  if (!request.voice.empty()) body["voice"] = request.voice;
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Transcript> ParseTranscribeReply(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return Upstream("stt reply is not a JSON object");
  auto text = object->find("text");
  if (text == object->end() || !text->is_string()) return Upstream("stt reply has no text");
  Transcript transcript;
  transcript.text = text->get<std::string>();
  if (!ReadOptionalString(*object, "language", transcript.language))
    return Upstream("stt reply's language is not a string");
  auto confidence = object->find("confidence");
  if (confidence != object->end() && !confidence->is_null()) {
    const double value = confidence->is_number() ? confidence->get<double>() : -1;
    if (!(value >= 0 && value <= 1)) return Upstream("stt reply's confidence is not a number in 0..1");
    transcript.confidence = value;
  }
  return transcript;
}

Result<Generation> ParseGenerateReply(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return Upstream("llm reply is not a JSON object");
  auto generated = object->find("generated");
  if (generated == object->end() || !generated->is_string()) return Upstream("llm reply has no generated text");
  Generation generation;
  generation.text = generated->get<std::string>();
  if (!ReadOptionalString(*object, "language", generation.language))
    return Upstream("llm reply's language is not a string");
  auto sources = object->find("sources");
  if (sources != object->end() && sources->is_array()) {
    for (const auto& source : *sources) {
      if (source.is_string()) generation.sources.push_back(source.get<std::string>());
    }
  }
  return generation;
}

std::string StreamPieceLine(std::string_view piece) {
  return json{{"piece", piece}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string StreamDoneLine(const Generation& generation) {
  return json{{"done", true}, {"language", generation.language}, {"sources", generation.sources}}.dump(
             -1, ' ', false, json::error_handler_t::replace) +
         "\n";
}

std::string StreamErrorLine(const Status& status) {
  return json{{"error", status.message()}, {"code", StatusCodeName(status.code())}}.dump(
             -1, ' ', false, json::error_handler_t::replace) +
         "\n";
}

Result<StreamLine> ParseStreamLine(std::string_view line) {
  auto object = ParseObject(line);
  if (!object.ok()) return Upstream("llm stream line is not a JSON object");
  StreamLine parsed;
  if (auto piece = object->find("piece"); piece != object->end()) {
    if (!piece->is_string()) return Upstream("llm stream piece is not a string");
    parsed.piece = piece->get<std::string>();
    return parsed;
  }
  if (auto error = object->find("error"); error != object->end()) {
    std::string message;
    std::string code_name;
    if (!ReadOptionalString(*object, "error", message) || !ReadOptionalString(*object, "code", code_name)) {
      return Upstream("llm stream error line has a field that is not a string");
    }
    auto code = StatusCodeFromName(code_name);
    parsed.kind = StreamLine::Kind::kError;
    parsed.error = Status(code && *code != StatusCode::kOk ? *code : StatusCode::kUpstreamError, message);
    return parsed;
  }
  auto done = object->find("done");
  if (done == object->end() || !done->is_boolean() || !done->get<bool>()) {
    return Upstream("llm stream line has neither piece, error nor done");
  }
  parsed.kind = StreamLine::Kind::kDone;
  if (!ReadOptionalString(*object, "language", parsed.generation.language)) {
    return Upstream("llm stream's language is not a string");
  }
  auto sources = object->find("sources");
  if (sources != object->end() && sources->is_array()) {
    for (const auto& source : *sources) {
      if (source.is_string()) parsed.generation.sources.push_back(source.get<std::string>());
    }
  }
  return parsed;
}

}  // namespace maestro::rest
