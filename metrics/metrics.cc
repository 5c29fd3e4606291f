#include "metrics/metrics.h"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <memory>

namespace maestro::metrics {
namespace {

prometheus::Registry& Registry() {
  static auto* registry = new prometheus::Registry();
  return *registry;
}

// 100 µs to ~52 s, doubling: covers a zero-time emulated hop and a slow model on one scale.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = [] {
    auto* b = new prometheus::Histogram::BucketBoundaries();
    for (double bound = 0.0001; bound < 60; bound *= 2) b->push_back(bound);
    return b;
  }();
  return *buckets;
}

auto& RequestsTotal() {
  static auto& family = prometheus::BuildCounter()
                            .Name("maestro_requests_total")
                            .Help("Requests handled, by service, protocol and outcome")
                            .Register(Registry());
  return family;
}

auto& RequestSeconds() {
  static auto& family = prometheus::BuildHistogram()
                            .Name("maestro_request_duration_seconds")
                            .Help("Time to answer a request, by service and protocol")
                            .Register(Registry());
  return family;
}

auto& Inflight() {
  static auto& family = prometheus::BuildGauge()
                            .Name("maestro_inflight_requests")
                            .Help("Requests being handled now, by service and protocol")
                            .Register(Registry());
  return family;
}

auto& HopSeconds() {
  static auto& family = prometheus::BuildHistogram()
                            .Name("maestro_hop_duration_seconds")
                            .Help("Time the orchestrator waited for each pipeline hop")
                            .Register(Registry());
  return family;
}

auto& HopsTotal() {
  static auto& family = prometheus::BuildCounter()
                            .Name("maestro_hop_calls_total")
                            .Help("Pipeline hop calls by hop and outcome")
                            .Register(Registry());
  return family;
}

auto& FirstTokenSeconds() {
  static auto& family = prometheus::BuildHistogram()
                            .Name("maestro_time_to_first_token_seconds")
                            .Help("Streamed answers: time to the first piece of text (TTFT), by protocol and scope")
                            .Register(Registry());
  return family;
}

auto& FirstAudioSeconds() {
  static auto& family = prometheus::BuildHistogram()
                            .Name("maestro_time_to_first_audio_seconds")
                            .Help("Streamed answers: time to the first audio (TTFA), by protocol and scope")
                            .Register(Registry());
  return family;
}

double Seconds(std::chrono::steady_clock::duration elapsed) {
  return std::chrono::duration<double>(elapsed).count();
}

}  // namespace

std::string RenderText() {
  prometheus::TextSerializer serializer;
  return serializer.Serialize(Registry().Collect());
}

RequestMetrics::RequestMetrics(const std::string& service, const std::string& protocol)
    : service_(service),
      protocol_(protocol),
      inflight_(&Inflight().Add({{"service", service}, {"protocol", protocol}})),
      latency_(&RequestSeconds().Add({{"service", service}, {"protocol", protocol}}, LatencyBuckets())) {}

std::chrono::steady_clock::time_point RequestMetrics::Start() {
  inflight_->Increment();
  return std::chrono::steady_clock::now();
}

void RequestMetrics::Finish(std::chrono::steady_clock::time_point started, StatusCode outcome) {
  inflight_->Decrement();
  latency_->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  // prometheus-cpp's Family::Add returns the existing child for known labels, under the family's own lock.
  RequestsTotal()
      .Add({{"service", service_}, {"protocol", protocol_}, {"outcome", StatusCodeName(outcome)}})
      .Increment();
}

HopMetrics::HopMetrics(const std::string& hop)
    : hop_(hop), latency_(&HopSeconds().Add({{"hop", hop}}, LatencyBuckets())) {}

void HopMetrics::Observe(std::chrono::steady_clock::duration elapsed, StatusCode outcome) {
  latency_->Observe(std::chrono::duration<double>(elapsed).count());
  HopsTotal().Add({{"hop", hop_}, {"outcome", StatusCodeName(outcome)}}).Increment();
}

FirstByteMetrics::FirstByteMetrics(const std::string& protocol)
    : token_hop_(&FirstTokenSeconds().Add({{"protocol", protocol}, {"scope", "hop"}}, LatencyBuckets())),
      token_request_(&FirstTokenSeconds().Add({{"protocol", protocol}, {"scope", "request"}}, LatencyBuckets())),
      audio_hop_(&FirstAudioSeconds().Add({{"protocol", protocol}, {"scope", "hop"}}, LatencyBuckets())),
      audio_request_(&FirstAudioSeconds().Add({{"protocol", protocol}, {"scope", "request"}}, LatencyBuckets())) {}

void FirstByteMetrics::FirstToken(std::chrono::steady_clock::duration from_hop,
                                  std::chrono::steady_clock::duration from_request) {
  token_hop_->Observe(Seconds(from_hop));
  token_request_->Observe(Seconds(from_request));
}

void FirstByteMetrics::FirstAudio(std::chrono::steady_clock::duration from_hop,
                                  std::chrono::steady_clock::duration from_request) {
  audio_hop_->Observe(Seconds(from_hop));
  audio_request_->Observe(Seconds(from_request));
}

}  // namespace maestro::metrics
