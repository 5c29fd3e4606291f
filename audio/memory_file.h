// MemoryFile: libsndfile's virtual IO over a byte string, so audio is read and written without touching disk.
// Internal to audio/.
#pragma once

#include <sndfile.h>

#include <string>
#include <string_view>

namespace maestro::audio {

// A seekable file in memory. Reads come from `bytes`; writes grow an owned buffer (then `bytes` views it).
// THREAD-SAFETY: one SNDFILE per MemoryFile, used from one thread at a time.
class MemoryFile {
 public:
  // A read-only file over `bytes`, which must outlive this object.
  explicit MemoryFile(std::string_view bytes) : bytes_(bytes) {}
  // An empty writable file.
  MemoryFile() = default;

  // The callbacks for sf_open_virtual; pass `this` as its user_data.
  static SF_VIRTUAL_IO* Callbacks();

  // The written bytes of a writable file.
  std::string Take() { return std::move(written_); }

 private:
  static sf_count_t Length(void* self);
  static sf_count_t Seek(sf_count_t offset, int whence, void* self);
  static sf_count_t Read(void* ptr, sf_count_t count, void* self);
  static sf_count_t Write(const void* ptr, sf_count_t count, void* self);
  static sf_count_t Tell(void* self);

  std::string_view view() const { return writable() ? std::string_view(written_) : bytes_; }
  bool writable() const { return bytes_.data() == nullptr; }

  std::string_view bytes_;
  std::string written_;
  sf_count_t position_ = 0;
};

}  // namespace maestro::audio
