// AskClient: what `maestro ask` and `maestro demo` send to POST /assist (or /ask) and read back.
#pragma once

#include <chrono>
#include <string>

#include "common/status.h"
#include "tls/tls_options.h"

namespace maestro::cli {

struct AskReply {
  std::string transcript;
  std::string answer;
  std::string language;
  std::string wav;       // the spoken answer
  std::string raw_json;  // the whole JSON reply, for --json
};

// Sends `audio` (WAV, FLAC, OGG or MP3 bytes named `filename`) to `url`/assist, or, when `question` is
// non-empty, the text to `url`/ask. An https:// URL verifies the server against tls.ca_file (the system's roots
// without one) and presents tls.cert_file when given. RETURNS the reply, or the server's typed error;
// kInvalidArgument for TLS files with an http:// URL or bad files.
Result<AskReply> Ask(const std::string& url, const std::string& audio, const std::string& filename,
                     const std::string& question, std::chrono::milliseconds timeout, const tls::TlsOptions& tls = {});

// The MIME type for an audio file name's extension (audio/wav when unknown).
std::string AudioContentType(const std::string& filename);

}  // namespace maestro::cli
