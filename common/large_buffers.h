// Allocator setting for processes that move audio-sized messages (hundreds of KB) per call.
#pragma once

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace maestro {

// RETURNS true when the operator set glibc's malloc parameter themselves, through its environment variable
// (MALLOC_ARENA_MAX) or the tunables string (GLIBC_TUNABLES=glibc.malloc.arena_max=8). Theirs wins over ours.
inline bool OperatorSetMallocParameter(const char* variable, const char* tunable) {
  if (std::getenv(variable) != nullptr) return true;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  return tunables != nullptr && std::strstr(tunables, tunable) != nullptr;
}

// glibc serves an allocation above its mmap threshold (128 KiB at start) with a fresh mmap and returns it
// with munmap, so each message buffer of a 441 KB WAV costs a mapping, ~100 page faults and an unmap, several
// times per call (protobuf/Thrift buffers, HTTP bodies, strings). A 4 MiB threshold keeps audio-sized buffers in
// the heap for reuse; the 8 MiB trim threshold bounds the free memory kept at the top of each heap. Measured on
// rpc_bench (loaded machine, 32 MiB thresholds): gRPC 500 KB round trip p50 1.49 ms -> 0.40 ms, Thrift
// buffered 0.92 -> 0.29 ms. Every `maestro` process sets it at start, whatever its protocol, so the
// comparison stays fair; a parameter the operator set in the environment is left as they set it.
// Process-wide and idempotent. THREAD-SAFETY: safe.
inline void KeepLargeBuffersInTheHeap() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (!OperatorSetMallocParameter("MALLOC_MMAP_THRESHOLD_", "glibc.malloc.mmap_threshold")) {
      mallopt(M_MMAP_THRESHOLD, 4 << 20);
    }
    if (!OperatorSetMallocParameter("MALLOC_TRIM_THRESHOLD_", "glibc.malloc.trim_threshold")) {
      mallopt(M_TRIM_THRESHOLD, 8 << 20);
    }
    // glibc gives threads arenas of their own (up to 8 per core), and a block freed in one arena serves no
    // other: gRPC's pollers, Thrift's client workers and the HTTP loops each kept their own free memory. One
    // arena shares it. Maestro's peak RSS at 1000 connections fell 4-11 MB for every protocol with no
    // measurable throughput cost on 2 cores (docs/benchmarks.md); small blocks still come from per-thread
    // caches. On many cores the one arena's lock may be worth trading back: MALLOC_ARENA_MAX does that.
    if (!OperatorSetMallocParameter("MALLOC_ARENA_MAX", "glibc.malloc.arena_max")) mallopt(M_ARENA_MAX, 1);
  });
}

}  // namespace maestro
