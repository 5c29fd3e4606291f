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

}  // namespace maestro::metrics
