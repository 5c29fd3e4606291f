// Converter: turns staged files into a model's final file (e.g. a CTranslate2 Whisper into whisper.cpp's ggml).
// Converters are chosen by the name a catalog entry gives in "convert": {"tool": NAME}.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace maestro::models {

class Converter {
 public:
  virtual ~Converter() = default;
  // Reads `inputs` (paths, in the catalog's order) and writes `output`. `log` receives the tool's own output.
  // RETURNS ok once `output` is written; kDeadlineExceeded when the tool's time limit ran out.
  virtual Status Convert(const std::vector<std::string>& inputs, const std::string& output, const std::string& log) = 0;
};

// Runs `command` + inputs + output as a child process (stdout and stderr to `log`), killed after `timeout`.
// A non-zero exit is kInternal with the end of the log in the message.
std::unique_ptr<Converter> MakeCommandConverter(std::vector<std::string> command, std::chrono::seconds timeout);

using ConverterSet = std::map<std::string, std::shared_ptr<Converter>>;

// The converters this build has: "whisper-ct2" runs models/convert_whisper_ct2.py from the source tree with
// Debian's /usr/bin/python3 (python3-numpy), at most 10 minutes.
ConverterSet BuiltinConverters();

}  // namespace maestro::models
