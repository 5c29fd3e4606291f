#include "apps/maestro/topology_flags.h"

namespace maestro::cli {

void AddTopologyFlags(CLI::App& command, TopologyFlags& flags) {
  command
      .add_option("--topology", flags.topology,
                  "loopback (every process on 127.0.0.1) or netns (each process on a host of its own: a network "
                  "namespace on a bridge, 198.18.0.0/15; needs root)")
      ->envname("MAESTRO_TOPOLOGY")
      ->check(CLI::IsMember({"loopback", "netns"}));
  command.add_option("--link-delay", flags.link_delay, "netns: one-way delay of every host's link, e.g. 0.25ms")
      ->envname("MAESTRO_LINK_DELAY");
  command.add_option("--link-jitter", flags.link_jitter, "netns: +/- jitter around the delay, e.g. 1ms")
      ->envname("MAESTRO_LINK_JITTER");
  command.add_option("--link-rate", flags.link_rate, "netns: rate of every host's link, e.g. 100mbit, 10gbit")
      ->envname("MAESTRO_LINK_RATE");
  command.add_option("--link-loss", flags.link_loss, "netns: random loss of every host's link, e.g. 0.1%")
      ->envname("MAESTRO_LINK_LOSS");
}

Result<topology::LinkShape> LinkShapeFrom(const TopologyFlags& flags) {
  topology::LinkShape shape;
  auto delay = topology::ParseMilliseconds(flags.link_delay);
  if (!delay.ok()) return InvalidArgument("--link-delay: " + delay.status().message());
  auto jitter = topology::ParseMilliseconds(flags.link_jitter);
  if (!jitter.ok()) return InvalidArgument("--link-jitter: " + jitter.status().message());
  auto loss = topology::ParseLossPercent(flags.link_loss);
  if (!loss.ok()) return InvalidArgument("--link-loss: " + loss.status().message());
  shape.delay_ms = *delay;
  shape.jitter_ms = *jitter;
  shape.loss_percent = *loss;
  if (!flags.link_rate.empty()) {
    auto rate = topology::ParseRateMbit(flags.link_rate);
    if (!rate.ok()) return InvalidArgument("--link-rate: " + rate.status().message());
    shape.rate_mbit = *rate;
  }
  if (shape.delay_ms > 60000 || shape.jitter_ms > shape.delay_ms + 60000) {
    return InvalidArgument("--link-delay and --link-jitter are limited to 60 s");
  }
  if (shape.shaped() && flags.topology != "netns") {
    return InvalidArgument("--link-* shape the links between hosts: they need --topology netns");
  }
  return shape;
}

}  // namespace maestro::cli
