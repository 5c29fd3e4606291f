// ServiceKind: which of the three services a name, an engine or a process is about.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace maestro {

enum class ServiceKind { kStt, kLlm, kTts };

inline constexpr std::array<ServiceKind, 3> kServiceKinds = {ServiceKind::kStt, ServiceKind::kLlm, ServiceKind::kTts};

// RETURNS "stt", "llm" or "tts": the name used in commands, flags, metrics labels and hop attribution.
constexpr const char* ServiceKindName(ServiceKind kind) {
  switch (kind) {
    case ServiceKind::kStt:
      return "stt";
    case ServiceKind::kLlm:
      return "llm";
    case ServiceKind::kTts:
      return "tts";
  }
  return "?";
}

// RETURNS the kind named `name` ("stt", "llm", "tts"), or nullopt.
constexpr std::optional<ServiceKind> ParseServiceKind(std::string_view name) {
  for (ServiceKind kind : kServiceKinds) {
    if (name == ServiceKindName(kind)) return kind;
  }
  return std::nullopt;
}

}  // namespace maestro
