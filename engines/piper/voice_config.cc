#include "engines/piper/voice_config.h"

#include <boost/locale/utf.hpp>
#include <nlohmann/json.hpp>

namespace maestro::piper {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxConfigBytes = 1 << 20;

// RETURNS the code point at `text[*at]` and moves `*at` past it, or U+FFFD (moving one byte) for bad UTF-8.
char32_t NextCodePoint(std::string_view text, size_t* at) {
  using Utf8 = boost::locale::utf::utf_traits<char>;
  const char* cursor = text.data() + *at;
  const auto point = Utf8::decode(cursor, text.data() + text.size());
  if (point == boost::locale::utf::illegal || point == boost::locale::utf::incomplete) {
    ++*at;
    return 0xFFFD;
  }
  *at = static_cast<size_t>(cursor - text.data());
  return static_cast<char32_t>(point);
}

Result<char32_t> OneCodePoint(const std::string& key) {
  size_t at = 0;
  const char32_t point = key.empty() ? 0xFFFD : NextCodePoint(key, &at);
  if (point == 0xFFFD || at != key.size()) {
    return InvalidArgument("piper voice config: phoneme_id_map key '" + key + "' is not one character");
  }
  return point;
}

Status ReadPhonemeIds(const json& table, VoiceConfig& config) {
  if (!table.is_object()) return InvalidArgument("piper voice config: phoneme_id_map must be an object");
  for (const auto& [key, ids] : table.items()) {
    auto point = OneCodePoint(key);
    if (!point.ok()) return point.status();
    if (!ids.is_array() || ids.empty()) {
      return InvalidArgument("piper voice config: phoneme_id_map['" + key + "'] must be a list of ids");
    }
    auto& out = config.phoneme_ids[*point];
    for (const auto& id : ids) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0) {
        return InvalidArgument("piper voice config: phoneme_id_map['" + key + "'] holds a non-integer id");
      }
      out.push_back(id.get<int64_t>());
    }
  }
  for (const char32_t required : {U'_', U'^', U'$'}) {
    if (!config.phoneme_ids.contains(required)) {
      return InvalidArgument("piper voice config: phoneme_id_map lacks the pad '_', start '^' or end '$'");
    }
  }
  return Status();
}

void ReadScale(const json& inference, const char* key, float& out) {
  if (inference.contains(key) && inference[key].is_number()) out = inference[key].get<float>();
}

}  // namespace

Result<VoiceConfig> ParseVoiceConfig(std::string_view json_text) {
  if (json_text.size() > kMaxConfigBytes) return InvalidArgument("piper voice config: larger than 1 MiB");
  const json doc = json::parse(json_text, nullptr, false);
  if (!doc.is_object()) return InvalidArgument("piper voice config: not a JSON object");
  VoiceConfig config;
  if (doc.value("phoneme_type", "espeak") != "espeak") {
    return InvalidArgument("piper voice config: only phoneme_type \"espeak\" voices are supported");
  }
  const json audio = doc.value("audio", json::object());
  config.sample_rate = audio.value("sample_rate", 0);
  if (config.sample_rate < 8000 || config.sample_rate > 48000) {
    return InvalidArgument("piper voice config: audio.sample_rate must be 8000..48000");
  }
  config.espeak_voice = doc.value("espeak", json::object()).value("voice", "");
  if (config.espeak_voice.empty()) return InvalidArgument("piper voice config: espeak.voice is missing");
  config.language = doc.value("language", json::object()).value("code", config.espeak_voice);
  config.speakers = doc.value("num_speakers", 1);
  if (config.speakers < 1) return InvalidArgument("piper voice config: num_speakers must be at least 1");
  const json inference = doc.value("inference", json::object());
  ReadScale(inference, "noise_scale", config.noise_scale);
  ReadScale(inference, "length_scale", config.length_scale);
  ReadScale(inference, "noise_w", config.noise_w);
  if (!doc.contains("phoneme_id_map")) return InvalidArgument("piper voice config: phoneme_id_map is missing");
  if (auto read = ReadPhonemeIds(doc["phoneme_id_map"], config); !read.ok()) return read;
  return config;
}

std::vector<int64_t> PhonemeIds(const VoiceConfig& config, std::string_view phonemes, size_t* unknown) {
  const auto& pad = config.phoneme_ids.at(U'_');
  std::vector<int64_t> ids = config.phoneme_ids.at(U'^');
  ids.insert(ids.end(), pad.begin(), pad.end());
  for (size_t at = 0; at < phonemes.size();) {
    const auto found = config.phoneme_ids.find(NextCodePoint(phonemes, &at));
    if (found == config.phoneme_ids.end()) {
      if (unknown != nullptr) ++*unknown;
      continue;
    }
    ids.insert(ids.end(), found->second.begin(), found->second.end());
    ids.insert(ids.end(), pad.begin(), pad.end());
  }
  const auto& end = config.phoneme_ids.at(U'$');
  ids.insert(ids.end(), end.begin(), end.end());
  return ids;
}

}  // namespace maestro::piper
