// Process-wide settings of the libraries gRPC runs on, applied before the first channel or server.
#pragma once

namespace maestro::grpc_transport {

// Turns off Abseil's mutex deadlock detection. Debian builds Abseil without NDEBUG, so every gRPC mutex
// acquisition maintained a lock-order graph (GraphCycles): 2-3 % of a gRPC process's CPU at load, a cost a
// release build of gRPC does not have (docs/benchmarks.md). Lock-order bugs are the TSan build's to find.
// THREAD-SAFETY: safe to call from any thread, any number of times; only the first call acts.
void ConfigureGrpcRuntime();

}  // namespace maestro::grpc_transport
