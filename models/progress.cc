#include "models/progress.h"

#include <chrono>

namespace maestro::models {
namespace {

using Clock = std::chrono::steady_clock;

std::string Megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

class StreamProgress : public Progress {
 public:
  StreamProgress(FILE* out, bool terminal) : out_(out), terminal_(terminal) {}

  void Note(const std::string& line) override {
    std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
  }
  void Begin(const std::string& label, uint64_t total, uint64_t already) override {
    label_ = label;
    total_ = total;
    start_bytes_ = already;
    done_ = already;
    start_ = last_ = Clock::now();
    if (!terminal_) {
      std::string resumed = already ? ", resuming at " + Megabytes(already) : "";
      Note("  " + label_ + ": downloading " + (total_ ? Megabytes(total_) : "unknown size") + resumed);
    } else {
      Draw();
    }
  }
  void Advance(uint64_t done) override {
    done_ = done;
    auto now = Clock::now();
    auto interval = terminal_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10000);
    if (now - last_ < interval) return;
    last_ = now;
    if (terminal_) {
      Draw();
    } else {
      Note("  " + label_ + ": " + Amount() + ", " + Rate());
    }
  }
  void End(bool ok) override {
    if (terminal_) {
      Draw();
      std::fprintf(out_, "%s\n", ok ? "" : "  failed");
      std::fflush(out_);
    } else {
      Note("  " + label_ + ": " + (ok ? "done, " + Amount() + ", " + Rate() : "failed at " + Megabytes(done_)));
    }
  }

 private:
  std::string Amount() const {
    if (!total_) return Megabytes(done_);
    char percent[16];
    std::snprintf(percent, sizeof(percent), "%3.0f%%", 100.0 * static_cast<double>(done_) / total_);
    return std::string(percent) + " " + Megabytes(done_) + "/" + Megabytes(total_);
  }
  std::string Rate() const {
    double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    double rate = seconds > 0 ? static_cast<double>(done_ - start_bytes_) / seconds : 0;
    return Megabytes(static_cast<uint64_t>(rate)) + "/s";
  }
  void Draw() {
    constexpr int kWidth = 30;
    int filled = total_ ? static_cast<int>(kWidth * static_cast<double>(done_) / total_) : 0;
    if (filled > kWidth) filled = kWidth;
    std::string bar(filled, '#');
    bar.append(kWidth - filled, '.');
    std::fprintf(out_, "\r  %-34.34s [%s] %s %s\033[K", label_.c_str(), bar.c_str(), Amount().c_str(), Rate().c_str());
    std::fflush(out_);
  }

  FILE* out_;
  bool terminal_;
  std::string label_;
  uint64_t total_ = 0, done_ = 0, start_bytes_ = 0;
  Clock::time_point start_, last_;
};

class SilentProgress : public Progress {
 public:
  void Note(const std::string&) override {}
  void Begin(const std::string&, uint64_t, uint64_t) override {}
  void Advance(uint64_t) override {}
  void End(bool) override {}
};

}  // namespace

std::unique_ptr<Progress> MakeStreamProgress(FILE* out, bool terminal) {
  return std::make_unique<StreamProgress>(out, terminal);
}

std::unique_ptr<Progress> MakeSilentProgress() {
  return std::make_unique<SilentProgress>();
}

}  // namespace maestro::models
