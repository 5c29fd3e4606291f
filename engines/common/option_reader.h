// OptionReader: takes typed values out of an engine's key=value options, so every engine validates its options
// the same way and rejects the keys it does not know.
#pragma once

#include <string>

#include "common/status.h"
#include "engines/engine_registry.h"

namespace maestro {

class OptionReader {
 public:
  // `engine` names the engine in error messages.
  OptionReader(std::string engine, EngineOptions options);

  // Each Take removes `key`. RETURNS the value, `fallback` when absent, or kInvalidArgument naming the key,
  // the value and the allowed range. THREAD-SAFETY: none (one reader per factory call).
  std::string TakeString(const std::string& key, const std::string& fallback);
  Result<long> TakeInteger(const std::string& key, long fallback, long min, long max);
  Result<double> TakeNumber(const std::string& key, double fallback, double min, double max);

  // RETURNS OK when every option was taken, else kInvalidArgument naming the first unknown key.
  Status Finish() const;

 private:
  std::string engine_;
  EngineOptions options_;
};

}  // namespace maestro
