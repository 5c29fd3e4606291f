// Reading a question from an HTTP request: the audio upload and the caller's time budget. Shared by /assist
// and its streamed variant, so both accept and refuse exactly the same uploads.
#pragma once

#include <chrono>

#include "common/deadline.h"
#include "common/status.h"
#include "domain/types.h"
#include "net/http_types.h"

namespace maestro {

// RETURNS the audio of a multipart `file` field or a raw audio/* (or octet-stream) body, or kUnsupportedMedia
// for another content type or bytes that are not WAV/FLAC/OGG/MP3, kInvalidArgument for a missing field or an
// empty file, kPayloadTooLarge above `max_bytes`. The audio is taken out of the request's body, which is left
// unspecified: an upload is not copied on its way to STT.
Result<AudioClip> ReadAudioUpload(net::HttpRequest& request, size_t max_bytes);

// RETURNS the request's deadline: `timeout` from now, or less when X-Maestro-Deadline-Ms asks for less, minus the
// time the request waited for an in-flight slot (X-Maestro-Queued-Ms, set by net::HttpServer).
Deadline RequestDeadline(const net::HttpRequest& request, std::chrono::milliseconds timeout);

// RETURNS whether the request's Accept header names `media_type`.
bool Accepts(const net::HttpRequest& request, std::string_view media_type);

}  // namespace maestro
