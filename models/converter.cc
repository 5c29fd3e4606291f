#include "models/converter.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <thread>

extern char** environ;

namespace maestro::models {
namespace {

std::string Tail(const std::string& path, size_t bytes) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) return {};
  auto size = static_cast<size_t>(file.tellg());
  size_t start = size > bytes ? size - bytes : 0;
  file.seekg(static_cast<std::streamoff>(start));
  std::string text(size - start, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

class CommandConverter : public Converter {
 public:
  CommandConverter(std::vector<std::string> command, std::chrono::seconds timeout)
      : command_(std::move(command)), timeout_(timeout) {}

  Status Convert(const std::vector<std::string>& inputs, const std::string& output, const std::string& log) override {
    std::vector<std::string> arguments = command_;
    arguments.insert(arguments.end(), inputs.begin(), inputs.end());
    arguments.push_back(output);
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    pid_t pid = 0;
    int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) return Internal("cannot run " + command_[0] + ": " + std::strerror(spawned));

    auto give_up = std::chrono::steady_clock::now() + timeout_;
    int wait_status = 0;
    for (;;) {
      pid_t done = waitpid(pid, &wait_status, WNOHANG);
      if (done == pid) break;
      if (done < 0) return Internal("lost the converter process");
      if (std::chrono::steady_clock::now() > give_up) {
        kill(pid, SIGKILL);
        waitpid(pid, &wait_status, 0);
        return DeadlineExceeded(command_.back() + " did not finish within " + std::to_string(timeout_.count()) + " s");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) return Status::Ok();
    std::string how = WIFEXITED(wait_status) ? "exited with " + std::to_string(WEXITSTATUS(wait_status))
                                             : "died of signal " + std::to_string(WTERMSIG(wait_status));
    return Internal(command_.back() + " " + how + ": " + Tail(log, 600) + " (full log: " + log + ")");
  }

 private:
  std::vector<std::string> command_;
  std::chrono::seconds timeout_;
};

}  // namespace

std::unique_ptr<Converter> MakeCommandConverter(std::vector<std::string> command, std::chrono::seconds timeout) {
  return std::make_unique<CommandConverter>(std::move(command), timeout);
}

ConverterSet BuiltinConverters() {
  ConverterSet converters;
  converters["whisper-ct2"] =
      MakeCommandConverter({"/usr/bin/python3", std::string(MAESTRO_SOURCE_MODELS_DIR) + "/convert_whisper_ct2.py"},
                           std::chrono::minutes(10));
  return converters;
}

}  // namespace maestro::models
