#include "orchestrator/stream_events.h"

#include <boost/beast/core/detail/base64.hpp>

namespace maestro {
namespace {

using json = nlohmann::json;

json Event(const char* type, int turn) {
  json event = {{"type", type}};
  if (turn > 0) event["turn"] = turn;
  return event;
}

}  // namespace

std::string Base64(std::string_view data) {
  std::string out(boost::beast::detail::base64::encoded_size(data.size()), '\0');
  out.resize(boost::beast::detail::base64::encode(out.data(), data.data(), data.size()));
  return out;
}

json TranscriptEvent(int turn, const Transcript& transcript, bool final) {
  json event = Event("transcript", turn);
  event["final"] = final;
  event["text"] = transcript.text;
  event["language"] = transcript.language;
  return event;
}

json TokenEvent(int turn, std::string_view piece) {
  json event = Event("token", turn);
  event["text"] = piece;
  return event;
}

json AudioEvent(int turn, const SpeechChunk& chunk, bool inline_audio) {
  json event = Event("audio", turn);
  event["index"] = chunk.index;
  event["text"] = chunk.text;
  event["format"] = "wav";
  event["bytes"] = chunk.wav.size();
  if (inline_audio) event["wav_base64"] = Base64(chunk.wav);
  return event;
}

json DoneEvent(int turn, const StreamOutcome& outcome, std::string_view protocol) {
  const auto& t = outcome.timings;
  json event = Event("done", turn);
  event["transcript"] = outcome.transcript.text;
  event["answer"] = outcome.answer.text;
  event["language"] = outcome.answer.language;
  event["sources"] = outcome.answer.sources;
  event["chunks"] = outcome.chunks;
  event["cancelled"] = outcome.cancelled;
  event["protocol"] = protocol;
  event["timings_ms"] = {{"stt", t.stt_ms},
                         {"llm", t.llm_ms},
                         {"tts", t.tts_ms},
                         {"first_token", t.first_token_ms},
                         {"first_audio", t.first_audio_ms},
                         {"total", t.total_ms}};
  return event;
}

json ErrorEvent(int turn, const Status& status) {
  json event = Event("error", turn);
  event["error"] = status.message();
  event["code"] = StatusCodeName(status.code());
  if (!status.hop().empty()) event["hop"] = status.hop();
  return event;
}

}  // namespace maestro
