// Process-wide Prometheus metrics: requests by outcome, latency histograms and in-flight gauges, labelled by
// the service ("maestro", "stt", "llm", "tts") or hop, rendered in the Prometheus text format for /metrics.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <chrono>
#include <string>

#include "common/status.h"

namespace maestro::metrics {

// RETURNS every registered metric in the Prometheus text exposition format. THREAD-SAFETY: safe.
std::string RenderText();

// Counts and times the requests a server handles. One instance per (service, protocol).
// THREAD-SAFETY: all methods are safe to call concurrently.
class RequestMetrics {
 public:
  RequestMetrics(const std::string& service, const std::string& protocol);

  // Call when a request starts; pass the returned time to Finish.
  std::chrono::steady_clock::time_point Start();
  // Call exactly once per Start with the request's outcome.
  void Finish(std::chrono::steady_clock::time_point started, StatusCode outcome);
  double inflight() const { return inflight_->Value(); }

 private:
  std::string service_;
  std::string protocol_;
  prometheus::Gauge* inflight_;
  prometheus::Histogram* latency_;
};

// Times one hop of the pipeline as the orchestrator sees it ("stt", "llm", "tts").
class HopMetrics {
 public:
  explicit HopMetrics(const std::string& hop);
  void Observe(std::chrono::steady_clock::duration elapsed, StatusCode outcome);

 private:
  std::string hop_;
  prometheus::Histogram* latency_;
};

// Times the first byte of a streamed answer: the first piece of text (TTFT) and the first audio (TTFA), both as
// the hop alone sees it (`scope="hop"`: from the LLM or first TTS call) and end to end (`scope="request"`: from
// the end of the upload or of the speech). One instance per protocol label.
class FirstByteMetrics {
 public:
  explicit FirstByteMetrics(const std::string& protocol);
  void FirstToken(std::chrono::steady_clock::duration from_hop, std::chrono::steady_clock::duration from_request);
  void FirstAudio(std::chrono::steady_clock::duration from_hop, std::chrono::steady_clock::duration from_request);

 private:
  prometheus::Histogram* token_hop_;
  prometheus::Histogram* token_request_;
  prometheus::Histogram* audio_hop_;
  prometheus::Histogram* audio_request_;
};

}  // namespace maestro::metrics
