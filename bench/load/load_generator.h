// RunLoad: drives HTTP/1.1 load at a target and measures it (see LoadConfig for the closed and open loop
// semantics). Each io thread owns its connections, schedule and histogram; results merge at the end, so the
// hot path takes no lock. Requests are serialised once and sent over raw keep-alive connections.
#pragma once

#include <atomic>
#include <functional>

#include "bench/load/load_config.h"
#include "bench/load/load_summary.h"
#include "common/status.h"

namespace maestro::bench {

// Called on a helper thread when the measured window starts and ends (ends early on cancel), so a caller can
// sample resources over exactly the window, warm-up excluded. window_ended is called only after window_started.
// Both must return quickly.
struct WindowHooks {
  std::function<void()> window_started;
  std::function<void()> window_ended;
};

// Runs warm-up then the measured window, then waits up to `timeout` for requests still in flight. Blocks until
// done. Setting `*cancel` (checked every few milliseconds) ends the run early; the summary then covers the part
// of the window that ran, with cancelled = true.
// RETURNS the summary; InvalidArgument for a bad config; Unavailable when the host does not resolve.
// Thread-safety: independent runs may go on concurrently.
Result<LoadSummary> RunLoad(const LoadConfig& config, const std::atomic<bool>* cancel = nullptr,
                            const WindowHooks* hooks = nullptr);

}  // namespace maestro::bench
