// The inproc transport: no wire at all. Its "address" is an engine name, and its clients are the engines
// themselves, called directly in the orchestrator's process. It is the zero-hop baseline of the experiment.
#pragma once

#include <memory>

#include "transport/transport.h"

namespace maestro::inproc {

std::unique_ptr<Transport> CreateTransport(const TransportOptions& options);

}  // namespace maestro::inproc
