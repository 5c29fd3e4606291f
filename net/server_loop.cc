#include "net/server_loop.h"

#include <utility>

namespace maestro::net {

namespace {
thread_local ServerLoop* current_server_loop = nullptr;
}  // namespace

void ServerLoop::OnStop(std::function<void()> hook) {
  std::unique_lock lock(mutex_);
  if (!stopped_) {
    hooks_.push_back(std::move(hook));
    return;
  }
  lock.unlock();
  hook();
}

void ServerLoop::RunStopHooks() {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    hooks.swap(hooks_);
  }
  for (auto& hook : hooks) hook();
}

ServerLoop* CurrentServerLoop() {
  return current_server_loop;
}

void SetCurrentServerLoop(ServerLoop* loop) {
  current_server_loop = loop;
}

}  // namespace maestro::net
