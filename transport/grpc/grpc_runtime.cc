#include "transport/grpc/grpc_runtime.h"

#include <absl/synchronization/mutex.h>

#include <mutex>

namespace maestro::grpc_transport {

void ConfigureGrpcRuntime() {
  static std::once_flag once;
  std::call_once(once, [] { absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore); });
}

}  // namespace maestro::grpc_transport
