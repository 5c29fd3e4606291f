#include "tls/identity_mirror.h"

#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "tls/renewal_check.h"

namespace maestro::tls {
namespace {

namespace fs = std::filesystem;

class IdentityMirror {
 public:
  // REQUIRES: `folder` exists and is this mirror's alone.
  IdentityMirror(const TlsOptions& options, fs::path folder)
      : check_(options), folder_(std::move(folder)), first_stamp_(fs::file_time_type::clock::now()) {}
  ~IdentityMirror() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
  }
  IdentityMirror(const IdentityMirror&) = delete;
  IdentityMirror& operator=(const IdentityMirror&) = delete;

  // Publishes the files as they are (read after the check took their stamps, so a renewal in between is seen)
  // and starts checking them.
  Status Start() {
    auto material = LoadTlsMaterial(check_.options(), TlsRole::kServer);
    if (!material.ok()) return material.status();
    if (!material->ca_pem.empty()) {
      std::ofstream(folder_ / "ca.crt", std::ios::binary | std::ios::trunc) << material->ca_pem;
      ca_file_ = (folder_ / "ca.crt").string();
    }
    if (auto published = Publish(*material); !published.ok()) return published;
    thread_ = std::thread([this] { CheckUntilStopped(); });
    return Status::Ok();
  }

  IdentityCopies Copies() const {
    return {(folder_ / "current" / "tls.crt").string(), (folder_ / "current" / "tls.key").string(), ca_file_};
  }

 private:
  void CheckUntilStopped() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, check_.options().reload_interval, [this] { return stopping_; })) {
      auto renewed = check_.Renewed();
      if (!renewed) continue;
      if (auto published = Publish(*renewed); !published.ok()) {
        spdlog::warn("TLS: the renewed certificate is not passed on: {}", published.ToString());
      }
    }
  }

  // Writes the next generation and points `current` at it in one rename; removes the generation before the
  // last, which no reader can still be opening.
  Status Publish(const TlsMaterial& material) {
    ++generation_;
    const fs::path dir = folder_ / ("generation-" + std::to_string(generation_));
    std::error_code error;
    fs::create_directory(dir, error);
    for (const auto& [name, text] :
         {std::pair{"tls.crt", &material.cert_pem}, std::pair{"tls.key", &material.key_pem}}) {
      if (error) break;
      std::ofstream(dir / name, std::ios::binary | std::ios::trunc) << *text;
      fs::last_write_time(dir / name, first_stamp_ + std::chrono::seconds(generation_), error);
    }
    if (!error) fs::create_symlink(dir.filename(), folder_ / "current.next", error);
    if (!error) fs::rename(folder_ / "current.next", folder_ / "current", error);
    if (error)
      return Internal("TLS: cannot write the certificate copies in " + folder_.string() + ": " + error.message());
    if (generation_ > 2) fs::remove_all(folder_ / ("generation-" + std::to_string(generation_ - 2)), error);
    return Status::Ok();
  }

  RenewalCheck check_;
  const fs::path folder_;
  const fs::file_time_type first_stamp_;
  std::string ca_file_;
  int generation_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

using MirrorKey = std::pair<std::string, std::string>;

}  // namespace

Result<IdentityCopies> MirrorIdentity(const TlsOptions& options) {
  // Destroyed at exit: the threads stop and the folders go.
  static std::mutex mutex;
  static std::map<MirrorKey, std::unique_ptr<IdentityMirror>> mirrors;
  std::lock_guard lock(mutex);
  const MirrorKey key{options.cert_file, options.key_file};
  if (auto found = mirrors.find(key); found != mirrors.end()) return found->second->Copies();
  std::string pattern = (fs::temp_directory_path() / "maestro-identity-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return Internal("TLS: cannot make a folder for the certificate copies");
  auto mirror = std::make_unique<IdentityMirror>(options, pattern);
  if (auto started = mirror->Start(); !started.ok()) return started;
  auto copies = mirror->Copies();
  mirrors.emplace(key, std::move(mirror));
  return copies;
}

}  // namespace maestro::tls
