#include "tests/support/maestro_process.h"

#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "tests/support/test_support.h"

namespace maestro::testing {

MaestroProcess::MaestroProcess(std::vector<std::string> args, std::vector<std::string> prefix) {
  int fds[2];
  if (pipe(fds) != 0) return;
  pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    std::vector<std::string> all = std::move(prefix);
    all.push_back(MaestroBinary());
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    argv.reserve(all.size() + 1);
    for (auto& arg : all) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  out = fds[0];
}

MaestroProcess::~MaestroProcess() {
  if (pid > 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  if (out >= 0) close(out);
}

bool MaestroProcess::WaitFor(const std::string& text, std::chrono::seconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  char buffer[1024];
  while (out >= 0 && seen.find(text) == std::string::npos && std::chrono::steady_clock::now() < until) {
    timeval tv{0, 100000};
    fd_set set;
    FD_ZERO(&set);
    FD_SET(out, &set);
    if (select(out + 1, &set, nullptr, nullptr, &tv) > 0) {
      const ssize_t n = read(out, buffer, sizeof(buffer));
      if (n <= 0) break;
      seen.append(buffer, static_cast<size_t>(n));
    }
  }
  return seen.find(text) != std::string::npos;
}

int MaestroProcess::Wait(std::chrono::seconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= until) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      pid = -1;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace maestro::testing
