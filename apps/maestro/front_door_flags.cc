#include "apps/maestro/front_door_flags.h"

#include "apps/maestro/cli_common.h"

namespace maestro::cli {

void AddFrontDoorFlags(CLI::App& command, FrontDoorFlags& flags) {
  command
      .add_option("--max-inflight", flags.max_inflight, "/assist requests processed at once; more wait in the queue")
      ->envname("MAESTRO_MAX_INFLIGHT")
      ->check(CLI::Range(1, 1000000));
  command.add_option("--max-queued", flags.max_queued, "/assist requests waiting for a slot; more get 503")
      ->envname("MAESTRO_MAX_QUEUED")
      ->check(CLI::Range(0, 1000000));
  AddDurationOption(command, "--timeout", flags.timeout, "Each request's deadline, propagated to every hop")
      ->envname("MAESTRO_TIMEOUT");
  command.add_option("--cache", flags.cache, "Answer cache by exact question audio (off by default)")
      ->envname("MAESTRO_CACHE")
      ->check(CLI::IsMember({"on", "off"}));
  command
      .add_option("--api-keys", flags.api_keys,
                  "Key file from `maestro keys add`: /assist and /ask then need Authorization: Bearer KEY")
      ->envname("MAESTRO_API_KEYS");
  command.add_option("--rate-limit", flags.rate_limit, "Requests per second per key (0: no limit); more get 429")
      ->envname("MAESTRO_RATE_LIMIT")
      ->check(CLI::Range(0.0, 1e6));
  command.add_flag("--log-content", flags.log_content, "Log transcripts and answers (off: the log holds none)")
      ->envname("MAESTRO_LOG_CONTENT");
}

std::vector<std::string> FrontDoorFlagsAsArgs(const FrontDoorFlags& flags) {
  std::vector<std::string> args = {
      "--max-inflight", std::to_string(flags.max_inflight), "--max-queued", std::to_string(flags.max_queued),
      "--timeout",      DurationFlag(flags.timeout),        "--cache",      flags.cache,
      "--rate-limit",   std::to_string(flags.rate_limit)};
  if (!flags.api_keys.empty()) args.insert(args.end(), {"--api-keys", flags.api_keys});
  if (flags.log_content) args.push_back("--log-content");
  return args;
}

}  // namespace maestro::cli
