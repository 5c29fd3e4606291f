#include "orchestrator/upload.h"

#include <algorithm>
#include <string>

#include "audio/wav.h"
#include "net/multipart.h"

namespace maestro {
namespace {

namespace http = net::http;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

Result<AudioClip> ReadAudioUpload(net::HttpRequest& request, size_t max_bytes) {
  auto header = request[http::field::content_type];
  std::string content_type = Lower(std::string_view(header.data(), header.size()));
  AudioClip clip;
  if (content_type.rfind("multipart/form-data", 0) == 0) {
    std::string& body = request.body();
    auto parts = net::ParseMultipart(body, std::string_view(header.data(), header.size()));
    if (!parts.ok()) return parts.status();
    auto file = std::find_if(parts->begin(), parts->end(), [](const net::FormPart& p) { return p.name == "file"; });
    if (file == parts->end()) return InvalidArgument("multipart field 'file' is missing");
    // The file is cut out of the body where it lies: one move of its bytes, no second buffer.
    const size_t offset = static_cast<size_t>(file->data.data() - body.data());
    const size_t size = file->data.size();
    clip.filename = std::move(file->filename);
    clip.content_type = std::move(file->content_type);
    clip.bytes = std::move(body);
    clip.bytes.resize(offset + size);
    clip.bytes.erase(0, offset);
  } else if (content_type.rfind("audio/", 0) == 0 || content_type.rfind("application/octet-stream", 0) == 0) {
    clip = AudioClip{std::move(request.body()), "upload", std::string(header.data(), header.size())};
  } else {
    return Status(StatusCode::kUnsupportedMedia,
                  "send multipart/form-data with a 'file' field, or an audio/* body; got '" + content_type + "'");
  }
  if (clip.bytes.empty()) return InvalidArgument("the uploaded audio is empty");
  if (clip.bytes.size() > max_bytes) {
    return Status(StatusCode::kPayloadTooLarge,
                  "the uploaded audio is above the " + std::to_string(max_bytes) + "-byte limit");
  }
  if (audio::SniffContainer(clip.bytes).empty()) {
    return Status(StatusCode::kUnsupportedMedia, "the upload is not WAV, FLAC, OGG or MP3 audio");
  }
  return clip;
}

Deadline RequestDeadline(const net::HttpRequest& request, std::chrono::milliseconds timeout) {
  auto budget = timeout;
  auto it = request.find(net::kDeadlineHeader);
  if (it != request.end()) {
    try {
      budget = std::min(budget, std::chrono::milliseconds(std::max<int64_t>(0, std::stoll(std::string(it->value())))));
    } catch (const std::exception&) {
      // A malformed budget header is ignored: the server's own timeout still bounds the request.
    }
  }
  // The time spent waiting for a slot is part of the caller's wait, so it comes out of the budget.
  if (auto queued = request.find(net::kQueuedHeader); queued != request.end()) {
    try {
      budget -= std::min(budget, std::chrono::milliseconds(std::stoll(std::string(queued->value()))));
    } catch (const std::exception&) {
      // Set only by our own server, as digits; nothing to correct otherwise.
    }
  }
  return Deadline::In(budget);
}

bool Accepts(const net::HttpRequest& request, std::string_view media_type) {
  auto accept = request[http::field::accept];
  return Lower(std::string_view(accept.data(), accept.size())).find(media_type) != std::string::npos;
}

}  // namespace maestro
