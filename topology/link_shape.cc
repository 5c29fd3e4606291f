#include "topology/link_shape.h"

#include <fmt/format.h>

#include <cstdlib>

namespace maestro::topology {
namespace {

// Splits "12.5ms" into 12.5 and "ms". RETURNS false when no number starts the text or it is negative.
bool SplitNumber(const std::string& text, double& number, std::string& unit) {
  const char* begin = text.c_str();
  char* end = nullptr;
  number = std::strtod(begin, &end);
  if (end == begin || number < 0 || number != number) return false;
  unit = std::string(end);
  return true;
}

std::string Number(double value) {
  return fmt::format("{:g}", value);
}

}  // namespace

Result<double> ParseMilliseconds(const std::string& text) {
  double number = 0;
  std::string unit;
  if (SplitNumber(text, number, unit)) {
    if (unit == "ms") return number;
    if (unit == "us") return number / 1000;
    if (unit == "s") return number * 1000;
  }
  return InvalidArgument("'" + text + "' is not a duration like 10ms, 250us or 1s");
}

Result<double> ParseRateMbit(const std::string& text) {
  double number = 0;
  std::string unit;
  if (SplitNumber(text, number, unit) && number > 0) {
    if (unit == "kbit") return number / 1000;
    if (unit == "mbit") return number;
    if (unit == "gbit") return number * 1000;
  }
  return InvalidArgument("'" + text + "' is not a rate like 512kbit, 100mbit or 10gbit");
}

Result<double> ParseLossPercent(const std::string& text) {
  double number = 0;
  std::string unit;
  if (SplitNumber(text, number, unit) && (unit.empty() || unit == "%") && number <= 100) return number;
  return InvalidArgument("'" + text + "' is not a loss like 0.1%");
}

std::string LinkShape::Describe() const {
  if (!shaped()) return "unshaped";
  std::string text;
  auto add = [&text](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  if (delay_ms > 0) add("delay " + Number(delay_ms) + " ms");
  if (jitter_ms > 0) add("jitter " + Number(jitter_ms) + " ms");
  if (rate_mbit > 0) add("rate " + Number(rate_mbit) + " Mbit/s");
  if (loss_percent > 0) add("loss " + Number(loss_percent) + " %");
  return text;
}

std::vector<std::vector<std::string>> TcCommands(const LinkShape& shape, const std::string& netns,
                                                 const std::string& device) {
  if (!shape.shaped()) return {};
  std::vector<std::string> command = {"tc", "-n", netns, "qdisc", "add", "dev", device, "root"};
  std::string rate = Number(shape.rate_mbit * 1000) + "kbit";
  if (!shape.needs_netem()) {
    // A bucket of at least 4 ms of traffic (and 64 KB, one GSO segment) keeps tbf from throttling bursts below the
    // configured rate; `latency` bounds the queue.
    double burst_bytes = std::max(64.0 * 1024, shape.rate_mbit * 1e6 / 8 * 0.004);
    command.insert(command.end(), {"tbf", "rate", rate, "burst", Number(burst_bytes), "latency", "100ms"});
    return {command};
  }
  command.push_back("netem");
  // Enough queue for a 441 KB answer in flight at any rate (netem's default is 1000 packets).
  command.insert(command.end(), {"limit", "10000"});
  if (shape.delay_ms > 0 || shape.jitter_ms > 0) {
    command.insert(command.end(), {"delay", Number(shape.delay_ms * 1000) + "us"});
    if (shape.jitter_ms > 0) command.push_back(Number(shape.jitter_ms * 1000) + "us");
  }
  if (shape.rate_mbit > 0) command.insert(command.end(), {"rate", rate});
  if (shape.loss_percent > 0) command.insert(command.end(), {"loss", Number(shape.loss_percent) + "%"});
  return {command};
}

std::vector<NetworkProfile> NetworkProfiles() {
  return {
      {"loopback", false, {}},
      {"netns", true, {}},
      {"lan", true, {.delay_ms = 0.125, .rate_mbit = 10000}},  // 0.25 ms round trip, 10 Gbit/s
      {"metro", true, {.delay_ms = 0.5, .rate_mbit = 1000}},   // 1 ms round trip, 1 Gbit/s
      {"wan", true, {.delay_ms = 10, .rate_mbit = 100}},       // 20 ms round trip, 100 Mbit/s
  };
}

Result<NetworkProfile> FindNetworkProfile(const std::string& name) {
  std::string known;
  for (const auto& profile : NetworkProfiles()) {
    if (profile.name == name) return profile;
    known += (known.empty() ? "" : ", ") + profile.name;
  }
  return InvalidArgument("unknown network profile '" + name + "' (known: " + known + ")");
}

}  // namespace maestro::topology
