#include "transport/thrift/generate_streams.h"

#include <algorithm>
#include <optional>
#include <random>

namespace maestro::thrift {

struct GenerateStreams::Stream {
  Stream(Deadline deadline, std::chrono::steady_clock::time_point started) : deadline(deadline), started(started) {}
  const Deadline deadline;
  const std::chrono::steady_clock::time_point started;
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> pieces;  // written by the engine, not yet taken
  size_t bytes = 0;
  bool stop = false;  // cancelled, reclaimed or overflowed: the engine's next piece is refused
  bool overflowed = false;
  bool polling = false;
  std::optional<Result<Generation>> end;
  Deadline::Clock::time_point last_touched = Deadline::Clock::now();
};

GenerateStreams::GenerateStreams(LanguageModel& engine, Limits limits)
    : engine_(engine),
      limits_(limits),
      // Ids start at a random point, so that a restarted server does not accept a previous run's ids.
      next_id_(static_cast<int64_t>(std::random_device{}() & 0x3FFFFFFF) << 20),
      reaper_([this] { ReapIdle(); }) {}

GenerateStreams::~GenerateStreams() {
  std::map<int64_t, std::shared_ptr<Stream>> streams;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    streams.swap(streams_);
  }
  reaper_wake_.notify_all();
  reaper_.join();
  for (auto& [id, stream] : streams) {
    std::lock_guard lock(stream->mutex);
    stream->stop = true;
    stream->changed.notify_all();
  }
}

Result<int64_t> GenerateStreams::Start(GenerationRequest request, Deadline deadline) {
  auto stream = std::make_shared<Stream>(deadline, metrics_.Start());
  if (deadline.expired()) {
    metrics_.Finish(stream->started, StatusCode::kDeadlineExceeded);
    return DeadlineExceeded("the call's deadline had passed on arrival");
  }
  int64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    if (streams_.size() >= limits_.max_streams) {
      metrics_.Finish(stream->started, StatusCode::kOverloaded);
      return Status(StatusCode::kOverloaded,
                    "server has " + std::to_string(limits_.max_streams) + " streams open; retry later");
    }
    id = next_id_++;
    streams_.emplace(id, stream);
  }
  const size_t buffer_bytes = limits_.buffer_bytes;
  engine_.GenerateStreaming(
      std::move(request), deadline,
      [stream, buffer_bytes](std::string_view piece) {
        std::lock_guard lock(stream->mutex);
        if (stream->stop) return false;
        if (stream->bytes + piece.size() > buffer_bytes) {
          stream->overflowed = stream->stop = true;
          stream->changed.notify_all();
          return false;
        }
        stream->bytes += piece.size();
        stream->pieces.emplace_back(piece);
        stream->changed.notify_all();
        return true;
      },
      [stream](Result<Generation> result) {
        std::lock_guard lock(stream->mutex);
        stream->end.emplace(std::move(result));
        stream->changed.notify_all();
      });
  return id;
}

Result<GenerateStreams::Batch> GenerateStreams::Next(int64_t id, std::chrono::milliseconds wait) {
  if (wait.count() < 0) return InvalidArgument("wait_ms must not be negative");
  auto stream = Find(id);
  if (!stream)
    return Status(StatusCode::kNotFound, "no stream " + std::to_string(id) + " (finished, cancelled or idle)");
  std::unique_lock lock(stream->mutex);
  if (stream->polling) return InvalidArgument("another generate_next already waits on stream " + std::to_string(id));
  stream->polling = true;
  auto until = Deadline::Clock::now() + std::min(wait, limits_.max_wait);
  if (!stream->deadline.never()) until = std::min(until, stream->deadline.at());
  stream->changed.wait_until(
      lock, until, [&] { return !stream->pieces.empty() || stream->end || stream->overflowed || stream->stop; });
  stream->polling = false;
  stream->last_touched = Deadline::Clock::now();
  Batch batch;
  batch.pieces.swap(stream->pieces);
  stream->bytes = 0;
  Status failure;
  if (stream->overflowed) {
    failure = Status(StatusCode::kOverloaded, "the client polled too slowly: more than " +
                                                  std::to_string(limits_.buffer_bytes) + " bytes of answer waited");
  } else if (stream->end && !stream->end->ok()) {
    failure = stream->end->status();
  } else if (!stream->end && stream->deadline.expired()) {
    stream->stop = true;  // the engine overran its deadline: refuse its next piece
    failure = DeadlineExceeded("the generation ran past the call's deadline");
  }
  if (!failure.ok()) {
    if (!batch.pieces.empty()) return batch;  // pieces first; the next poll reports the failure
    lock.unlock();
    Forget(id, failure.code());
    return failure;
  }
  if (stream->end) {
    batch.done = true;
    batch.end = std::move(stream->end->value());
    lock.unlock();
    Forget(id, StatusCode::kOk);
  }
  return batch;
}

Status GenerateStreams::Cancel(int64_t id) {
  auto stream = Find(id);
  if (!stream)
    return Status(StatusCode::kNotFound, "no stream " + std::to_string(id) + " (finished, cancelled or idle)");
  {
    std::lock_guard lock(stream->mutex);
    stream->stop = true;
    stream->changed.notify_all();
  }
  Forget(id, StatusCode::kUnavailable);  // the client went away, as a cancelled gRPC or REST stream counts
  return Status::Ok();
}

size_t GenerateStreams::size() const {
  std::lock_guard lock(mutex_);
  return streams_.size();
}

std::shared_ptr<GenerateStreams::Stream> GenerateStreams::Find(int64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : it->second;
}

void GenerateStreams::Forget(int64_t id, StatusCode outcome) {
  std::lock_guard lock(mutex_);
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  metrics_.Finish(it->second->started, outcome);
  streams_.erase(it);
}

void GenerateStreams::ReapIdle() {
  const auto period = std::clamp(limits_.idle / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    reaper_wake_.wait_for(lock, period, [this] { return stopping_; });
    const auto now = Deadline::Clock::now();
    for (auto it = streams_.begin(); it != streams_.end();) {
      Stream& stream = *it->second;
      std::lock_guard stream_lock(stream.mutex);
      if (!stream.polling && now - stream.last_touched > limits_.idle) {
        stream.stop = true;
        stream.changed.notify_all();
        metrics_.Finish(stream.started, StatusCode::kUnavailable);
        it = streams_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace maestro::thrift
