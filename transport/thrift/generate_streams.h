// GenerateStreams: the server side of Thrift's chunked-call streaming (thrift/llm.thrift: generate_start,
// generate_next, generate_cancel). Thrift has no server streaming, so each streamed generation lives here
// between calls: the engine's pieces wait in the stream's bounded buffer until the client's next long poll takes
// them. Every resource is bounded: streams at once, bytes waiting per stream, the wait of one poll, and the time a
// stream may go unpolled before it is cancelled and forgotten (an abandoned client costs nothing for long).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/deadline.h"
#include "common/status.h"
#include "domain/language_model.h"
#include "metrics/metrics.h"

namespace maestro::thrift {

class GenerateStreams {
 public:
  struct Limits {
    size_t max_streams = 256;
    size_t buffer_bytes = 1u << 20;  // pieces waiting for a poll; beyond it the generation stops, kOverloaded
    std::chrono::milliseconds idle{30000};
    std::chrono::milliseconds max_wait{5000};  // the longest one generate_next waits
  };

  // What one poll takes: the pieces written since the last one; `done` on the last batch of a good answer,
  // with the answer's language and sources in `end`.
  struct Batch {
    std::vector<std::string> pieces;
    bool done = false;
    Generation end;
  };

  // REQUIRES: `engine` outlives this object and every generation it started.
  GenerateStreams(LanguageModel& engine, Limits limits);
  GenerateStreams(const GenerateStreams&) = delete;
  GenerateStreams& operator=(const GenerateStreams&) = delete;
  // Cancels every stream (their engines' next pieces are refused) and stops the reaper.
  ~GenerateStreams();

  // Starts a generation. RETURNS its stream id, or kOverloaded when max_streams are open, or
  // kDeadlineExceeded when the budget is already spent. Engine failures surface through Next.
  Result<int64_t> Start(GenerationRequest request, Deadline deadline);

  // Waits up to min(wait, max_wait) for pieces or the end. RETURNS the batch (possibly empty when the wait
  // ran out); the generation's failure once its pieces were taken (kDeadlineExceeded at its deadline,
  // kOverloaded after a buffer overflow); kNotFound for an unknown, finished, cancelled or reclaimed id;
  // kInvalidArgument when another Next waits on the stream or `wait` is negative. A stream that has
  // reported its end or failure is forgotten.
  Result<Batch> Next(int64_t id, std::chrono::milliseconds wait);

  // Stops a generation and forgets it. RETURNS kNotFound for an unknown id.
  Status Cancel(int64_t id);

  // RETURNS the number of open streams (for tests and metrics).
  size_t size() const;

 private:
  struct Stream;

  std::shared_ptr<Stream> Find(int64_t id) const;
  // Removes the stream and counts it in the metrics with `outcome`, once.
  void Forget(int64_t id, StatusCode outcome);
  void ReapIdle();

  LanguageModel& engine_;
  const Limits limits_;
  metrics::RequestMetrics metrics_{"llm", "thrift"};  // one request per stream, as gRPC and REST count it
  mutable std::mutex mutex_;
  std::map<int64_t, std::shared_ptr<Stream>> streams_;
  int64_t next_id_;
  bool stopping_ = false;
  std::condition_variable reaper_wake_;
  std::thread reaper_;  // last: started once everything above exists
};

}  // namespace maestro::thrift
